import { defineDocument, type PageInfo, type PageVariables } from "./graphql-documents.js";

/**
 * An app's releases over GraphQL. Fly's Machines apps read them from `releasesUnprocessed` (the
 * releases "without any config processing"), as fly-go's GetAppReleasesMachines does
 * (resource_releases.go, used by `fly releases`, flyctl internal/command/apps/releases.go), with
 * the same fields. Fields are in spec/fly/fly-schema.graphql, type ReleaseUnprocessed.
 */

export interface ReleaseNode {
  id: string;
  version: number;
  description: string;
  reason: string;
  status: string;
  imageRef: string | null;
  stable: boolean;
  user: { id: string; email: string; name: string | null } | null;
  createdAt: string;
}

const RELEASE_FIELDS = `
        nodes {
          id
          version
          description
          reason
          status
          imageRef
          stable
          user {
            id
            email
            name
          }
          createdAt
        }`;

export interface AppReleasesData {
  app: { name: string; releases: { nodes: (ReleaseNode | null)[] | null } } | null;
}

export interface AppReleasesVariables extends Record<string, unknown> {
  appName: string;
  limit: number;
}

export const AppReleasesDocument = defineDocument<AppReleasesData, AppReleasesVariables>(`
query AppReleases($appName: String!, $limit: Int!) {
  app(name: $appName) {
    name
    releases: releasesUnprocessed(first: $limit) {${RELEASE_FIELDS}
    }
  }
}`);

export interface OrgAppReleases {
  name: string;
  releases: { nodes: (ReleaseNode | null)[] | null };
}

export interface OrgReleasesData {
  organization: {
    apps: { nodes: (OrgAppReleases | null)[] | null; pageInfo: PageInfo };
  } | null;
}

export interface OrgReleasesVariables extends PageVariables {
  slug: string;
  limit: number;
}

/** The newest releases of every app of an org, a page of apps per request: one walk per org, not one call per app. */
export const OrgReleasesDocument = defineDocument<OrgReleasesData, OrgReleasesVariables>(`
query OrgReleases($slug: String!, $limit: Int!, $first: Int, $after: String) {
  organization(slug: $slug) {
    apps(first: $first, after: $after) {
      nodes {
        name
        releases: releasesUnprocessed(first: $limit) {${RELEASE_FIELDS}
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}`);

/** This file's documents, for the schema contract tests beside graphql-documents.ts's list. */
export const releaseDocuments = [AppReleasesDocument, OrgReleasesDocument] as const;
