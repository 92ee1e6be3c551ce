/**
 * The FlyWP demo account the sandbox serves: two servers (web-1 and web-2), five WordPress
 * sites, a database per site, SSH keys, cron jobs and a few days of backups. FlyWP's docs do not
 * publish record fields (https://docs-2kj.pages.dev/api/overview); these are the fields flyops reads.
 */

export interface WpServer {
  id: number;
  name: string;
  status: string;
  ip_address: string;
  region: string;
  provider: string;
  created_at: string;
}
export interface WpSite {
  id: number;
  server_id: number;
  domain: string;
  status: string;
  php_version: string;
  created_at: string;
}
export interface WpDatabase {
  id: number;
  server_id: number;
  site_id: number | null;
  name: string;
}
export interface WpSshKey {
  id: number;
  server_id: number;
  name: string;
  fingerprint: string;
  created_at: string;
}
export interface WpCron {
  id: number;
  server_id: number;
  command: string;
  frequency: string;
  user: string;
  created_at: string;
}
export interface WpBackup {
  id: number;
  site_id: number;
  status: string;
  size: number;
  created_at: string;
}

export interface WpAccount {
  servers: WpServer[];
  sites: WpSite[];
  databases: WpDatabase[];
  sshKeys: WpSshKey[];
  crons: WpCron[];
  backups: WpBackup[];
}

const DAY = 86_400_000;

/** RFC 3339 to the second, as the rest of the sandbox writes times. */
export function wpTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function seedWpAccount(startMs: number): WpAccount {
  const ago = (days: number): string => wpTime(startMs - days * DAY);
  const servers: WpServer[] = [
    {
      id: 1,
      name: "web-1",
      status: "active",
      ip_address: "203.0.113.10",
      region: "fra1",
      provider: "digitalocean",
      created_at: ago(120),
    },
    {
      id: 3,
      name: "web-2",
      status: "active",
      ip_address: "203.0.113.30",
      region: "nyc3",
      provider: "vultr",
      created_at: ago(60),
    },
  ];
  const sites: WpSite[] = [
    {
      id: 11,
      server_id: 1,
      domain: "blog.example.com",
      status: "active",
      php_version: "8.2",
      created_at: ago(118),
    },
    {
      id: 12,
      server_id: 1,
      domain: "shop.example.com",
      status: "active",
      php_version: "8.2",
      created_at: ago(90),
    },
    {
      id: 13,
      server_id: 1,
      domain: "docs.example.com",
      status: "active",
      php_version: "8.1",
      created_at: ago(45),
    },
    {
      id: 21,
      server_id: 3,
      domain: "news.example.org",
      status: "active",
      php_version: "8.3",
      created_at: ago(58),
    },
    {
      id: 22,
      server_id: 3,
      domain: "staging.example.org",
      status: "active",
      php_version: "8.3",
      created_at: ago(20),
    },
  ];
  const databases: WpDatabase[] = sites.map((s, i) => ({
    id: 101 + i,
    server_id: s.server_id,
    site_id: s.id,
    name: s.domain.replace(/\./g, "_"),
  }));
  const sshKeys: WpSshKey[] = [
    {
      id: 1,
      server_id: 1,
      name: "lee-laptop",
      fingerprint: "SHA256:Yk2c0sX1uV4mQ7a9b3d5f8h0j2l4n6p8r0t2v4x6z8A",
      created_at: ago(110),
    },
    {
      id: 2,
      server_id: 3,
      name: "ci-deploy",
      fingerprint: "SHA256:Qm3d1tY2wX5nR8b0c4e6g9i1k3m5o7q9s1u3w5y7a9B",
      created_at: ago(55),
    },
  ];
  const crons: WpCron[] = [
    {
      id: 1,
      server_id: 1,
      command: "wp cron event run --due-now --path=/var/www/blog.example.com",
      frequency: "*/5 * * * *",
      user: "fly",
      created_at: ago(100),
    },
    {
      id: 2,
      server_id: 3,
      command: "wp transient delete --expired --path=/var/www/news.example.org",
      frequency: "0 4 * * *",
      user: "fly",
      created_at: ago(50),
    },
  ];
  let backupId = 1000;
  const backups: WpBackup[] = sites.flatMap((s) =>
    [3, 2, 1].map((days) => ({
      id: ++backupId,
      site_id: s.id,
      status: "completed",
      size: 40_000_000 + s.id * 1_000_000 + days * 10_000,
      created_at: ago(days),
    })),
  );
  return { servers, sites, databases, sshKeys, crons, backups };
}
