declare module 'xmlrpc/lib/serializer' {
  /** The stock `xmlrpc` package's request encoder: a complete `<methodCall>` document. */
  export function serializeMethodCall(
    method: string,
    params?: unknown[],
    encoding?: string,
  ): string;
}
