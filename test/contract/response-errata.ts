/**
 * Where Fly answers wider than its generated OpenAPI document, each widening held to a source and
 * to the spec's own words: the check beside each fails if the spec stops needing it.
 *
 * - A lease answer wraps the spec's `Lease` in `{status, data}`: the docs' examples
 *   (superfly/docs reference/machines/_machines_lease_create_resp.erb, _get_resp.erb) and fly-go's
 *   MachineLease{Status, Data *MachineLeaseData}, which flyctl reads (`lease.Data.Nonce`,
 *   `lease.Status != "success"`, internal/machine/leasable_machine.go).
 * - An unattached volume's `attached_machine_id` and `attached_alloc_id` are null (in a listing
 *   of the org too): fly-go's Volume
 *   declares both as *string without omitempty (volume_types.go).
 * - ErrorResponse.status takes "name_taken" too: fly-go flaps/flaps_error.go (nameTaken), set on
 *   the 422 of a name already taken.
 */

type Json = Record<string, unknown>;

export interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
  components: { schemas: Record<string, Json> };
}

const LEASE_OPERATIONS: [string, string, string][] = [
  ["/apps/{app_name}/machines/{machine_id}/lease", "get", "200"],
  ["/apps/{app_name}/machines/{machine_id}/lease", "post", "201"],
];

const leaseEnvelope: Json = {
  type: "object",
  properties: { status: { type: "string" }, data: { $ref: "#/components/schemas/Lease" } },
};

function schemaAt(spec: Spec, [path, method, status]: [string, string, string]): Json {
  const response = spec.paths[path]?.[method]?.responses[status] as
    { content?: { "application/json"?: { schema?: Json } } } | undefined;
  const content = response?.content?.["application/json"];
  if (!content?.schema)
    throw new Error(`the spec no longer answers ${method} ${path} ${status} with a schema`);
  return content;
}

/** The spec with the errata applied; the input is not changed. */
export function withErrata(original: Spec): Spec {
  const spec = structuredClone(original);
  for (const at of LEASE_OPERATIONS) schemaAt(spec, at).schema = leaseEnvelope;
  for (const name of ["Volume", "OrgVolume"]) {
    const volume = spec.components.schemas[name]?.properties as Record<string, Json> | undefined;
    for (const key of ["attached_machine_id", "attached_alloc_id"]) {
      if (volume?.[key]) volume[key] = { type: ["string", "null"] };
    }
  }
  const status = spec.components.schemas["main.statusCode"];
  if (Array.isArray(status?.enum)) status.enum = [...(status.enum as string[]), "name_taken"];
  return spec;
}

/** What each erratum lets through, for the check that the plain spec still refuses it. */
export const ERRATA_SAMPLES = {
  lease: {
    status: "success",
    data: { nonce: "5c35f65c9f95", expires_at: 1708569778, owner: "hello@fly.io" },
  },
  volume: { id: "vol_1", attached_machine_id: null, attached_alloc_id: null },
  error: { error: "Validation failed: Name has already been taken", status: "name_taken" },
};
