declare module 'node-red-node-test-helper' {
  import type { Node } from 'node-red';

  type NodeModule = (RED: never) => void;

  interface AdminResponse {
    status: number;
    body: unknown;
    text: string;
    headers: Record<string, string>;
  }

  interface AdminRequest extends PromiseLike<AdminResponse> {
    set(name: string, value: string): AdminRequest;
    send(body: unknown): AdminRequest;
    /** A multipart/form-data file field (supertest's superagent). */
    attach(field: string, file: Buffer, filename: string): AdminRequest;
    buffer(enable: boolean): AdminRequest;
    parse(
      parser: (
        response: NodeJS.ReadableStream,
        done: (error: Error | null, body: unknown) => void,
      ) => void,
    ): AdminRequest;
  }

  interface LogEntry {
    level: number;
    msg?: unknown;
    type?: string;
    id?: string;
  }

  interface TestHelper {
    init(nodeRedRuntime: string, userSettings?: Record<string, unknown>): void;
    settings(userSettings: Record<string, unknown>): Record<string, unknown>;
    load(
      nodes: NodeModule | NodeModule[],
      flow: object[],
      credentials?: Record<string, Record<string, string>>,
    ): Promise<void>;
    unload(): Promise<void>;
    /** Stops the flows without forgetting node contexts (unlike unload). */
    clearFlows(): Promise<void>;
    /** Deploys a new version of the loaded flows (`nodes`: only the changed nodes restart). */
    setFlows(
      flow: object[],
      type: 'full' | 'flows' | 'nodes',
      credentials?: Record<string, Record<string, string>>,
    ): Promise<void>;
    getNode(id: string): Node;
    startServer(done?: () => void): void;
    stopServer(done?: () => void): void;
    request(): { get(path: string): AdminRequest; post(path: string): AdminRequest };
    log(): { args: [LogEntry][] };
  }

  const helper: TestHelper;
  export = helper;
}
