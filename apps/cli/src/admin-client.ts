/** The registry's answer to a refused request: its error shape, with the apply endpoint's extras. */
export interface ErrorBody {
  error?: string;
  message?: string;
  details?: { field: string; message: string }[];
  errors?: { source: string; field: string; message: string }[];
  changes?: PlannedChange[];
}

export interface PlannedChange {
  kind: string;
  id: string;
  name?: string;
  source?: string;
  action: 'create' | 'update' | 'delete' | 'unchanged';
  changed_fields: string[];
}

export interface ApplyReport {
  dry_run: boolean;
  prune: boolean;
  summary: Record<PlannedChange['action'], number>;
  changes: PlannedChange[];
}

/** The registry refused (or could not be asked): the message to print, and its error body if any. */
export class AdminError extends Error {
  constructor(
    message: string,
    readonly body?: ErrorBody,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 60_000;

/** The registry's admin API, with the admin secret as a bearer token. */
export class AdminClient {
  private readonly base: string;

  constructor(
    url: string,
    private readonly secret: string,
  ) {
    this.base = url.replace(/\/+$/, '');
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new AdminError(`cannot reach the registry at ${this.base} (${cause?.code ?? cause?.message ?? (error as Error).message})`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new AdminError(`${method} ${path}: the registry answered ${response.status} with a body that is not JSON`);
    }
    if (response.ok) return parsed as T;
    const errorBody = (parsed ?? {}) as ErrorBody;
    const hint = response.status === 401 ? ' (check --admin-secret or ADMIN_SECRET)' : '';
    throw new AdminError(`the registry refused ${method} ${path}: ${response.status} ${errorBody.error ?? ''}: ${errorBody.message ?? text}${hint}`, errorBody);
  }
}
