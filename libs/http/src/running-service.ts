/** A started service as its launcher sees it: where it listens, and how to stop it cleanly. */
export interface RunningService {
  readonly name: 'gateway' | 'registry' | 'auth';
  /** Base URL of its HTTP server, e.g. http://127.0.0.1:3001 */
  readonly url: string;
  close(): Promise<void>;
}
