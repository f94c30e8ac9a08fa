import { Answers, isJson, readText } from './answers';
import type { StopSignal } from './calls';
import type { HttpEndpoint } from './http';
import type { Translate } from './messages';
import { isPlainObject } from './params';

/** One method of a model, as Odoo 19's api_doc describes it. */
export interface MethodSignature {
  /** A model method (`@api.model`): it takes no record ids. */
  model: boolean;
  /** The parameters args may give by position, in order (after the ids, for record methods). */
  positional: { name: string; byName: boolean }[];
  /** The name of a `*args` parameter: JSON-2 cannot pass one. */
  varPositional?: string;
  /** As Odoo writes it, such as "(partner_ids=None, subtype_ids=None)". */
  signature: string;
}

export type ModelMethods = Map<string, MethodSignature>;

/** What api_doc gave for a model: its methods, or that this user may not read it (403). */
export type ModelDoc = { methods: ModelMethods } | 'refused';

interface Cached {
  doc: ModelDoc;
  etag?: string;
  /** Checked in this session; otherwise checked again (with its ETag) on next use. */
  fresh: boolean;
}

/**
 * The methods of each model from `GET /doc-bearer/<model>.json` (Odoo 19's api_doc, for Settings
 * administrators): the names and kinds of their parameters, and which are model methods. Asked
 * once per model and session; a new session checks it again with its ETag (a 304 costs nothing).
 */
export class ApiDoc {
  private readonly cache = new Map<string, Cached>();
  private readonly asking = new Map<string, Promise<ModelDoc | undefined>>();
  private readonly answers: Answers;

  constructor(
    private readonly endpoint: HttpEndpoint,
    translate: Translate,
  ) {
    this.answers = new Answers(endpoint, 'JSON-2', translate);
  }

  /** A new session: every document is checked again on its next use. */
  renew(): void {
    for (const entry of this.cache.values()) entry.fresh = false;
  }

  /**
   * The model's methods, or 'refused'; undefined when there is no document to be had (a server
   * without api_doc, an unknown model, a failure on the way): the caller does without.
   */
  model(
    db: string,
    secret: string,
    model: string,
    stop?: StopSignal,
  ): Promise<ModelDoc | undefined> {
    const cached = this.cache.get(model);
    if (cached?.fresh) return Promise.resolve(cached.doc);
    let pending = this.asking.get(model);
    if (!pending) {
      pending = this.fetch(db, secret, model, cached, stop)
        .catch(() => cached?.doc)
        .finally(() => this.asking.delete(model));
      this.asking.set(model, pending);
    }
    return pending;
  }

  private async fetch(
    db: string,
    secret: string,
    model: string,
    cached: Cached | undefined,
    stop: StopSignal | undefined,
  ): Promise<ModelDoc | undefined> {
    const path = `/doc-bearer/${encodeURIComponent(model)}.json`;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `bearer ${secret}`,
      'X-Odoo-Database': db,
      ...(cached?.etag ? { 'If-None-Match': cached.etag } : {}),
    };
    return this.endpoint.get(
      path,
      headers,
      async (response, chunks) => {
        const status = response.statusCode ?? 0;
        if (status === 304 && cached) {
          cached.fresh = true;
          response.resume();
          return cached.doc;
        }
        if (status === 403) {
          response.resume();
          this.cache.set(model, { doc: 'refused', fresh: true });
          return 'refused';
        }
        if (status !== 200 || !isJson(response)) {
          response.resume();
          return undefined;
        }
        const methods = methodsOf(this.answers.json(path, await readText(chunks)));
        const etag = response.headers.etag;
        this.cache.set(model, { doc: { methods }, etag, fresh: true });
        return { methods };
      },
      stop,
    );
  }
}

/** The `methods` of a model document, reduced to what a call needs. */
function methodsOf(document: unknown): ModelMethods {
  const methods: ModelMethods = new Map();
  const listed = isPlainObject(document) ? document.methods : undefined;
  if (!isPlainObject(listed)) return methods;
  for (const [name, entry] of Object.entries(listed)) {
    if (!isPlainObject(entry)) continue;
    const parameters = isPlainObject(entry.parameters) ? Object.entries(entry.parameters) : [];
    const kindOf = (description: unknown) =>
      isPlainObject(description) && typeof description.kind === 'string'
        ? description.kind
        : 'POSITIONAL_OR_KEYWORD';
    methods.set(name, {
      model: Array.isArray(entry.api) && entry.api.includes('model'),
      positional: parameters
        .filter(([, description]) =>
          ['POSITIONAL_OR_KEYWORD', 'POSITIONAL_ONLY'].includes(kindOf(description)),
        )
        .map(([parameter, description]) => ({
          name: parameter,
          byName: kindOf(description) !== 'POSITIONAL_ONLY',
        })),
      varPositional: parameters.find(
        ([, description]) => kindOf(description) === 'VAR_POSITIONAL',
      )?.[0],
      signature: typeof entry.signature === 'string' ? entry.signature : '()',
    });
  }
  return methods;
}
