/** A refusal the sandbox answers as Fly does: an HTTP status and `{"error": "..."}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** The ErrorResponse's `status`, Fly's machine-readable reason (e.g. "name_taken"). */
    readonly code?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, message);
}

/**
 * Fly's 404 text: "app not found" (fly-go flaps/flaps_apps_test.go), "machine not found" (what
 * flyctl matches, internal/command/machine/select.go and internal/machine/leasable_machine.go).
 */
export function notFound(what: string): ApiError {
  return new ApiError(404, `${what} not found`);
}

/** Fly answers a request the resource's current state forbids with 412 failed_precondition. */
export function failedPrecondition(message: string): ApiError {
  return new ApiError(412, `failed_precondition: ${message}`);
}

export function unprocessable(message: string): ApiError {
  return new ApiError(422, message);
}
