/** Generous enough for a slow local model to start answering; streaming time after that is not capped. */
export const DEFAULT_TIMEOUT_MS = 120_000;

/** The SDKs retry connection errors, 408/409/429 and 5xx with backoff; two retries keep a failing ask short. */
export const DEFAULT_MAX_RETRIES = 2;
