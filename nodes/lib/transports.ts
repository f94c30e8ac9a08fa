import { Answers } from './answers';
import type { ApiDoc } from './api-doc';
import type { StopSignal } from './calls';
import { OdooError } from './errors';
import type { HttpEndpoint } from './http';
import { FIRST_JSON2_MAJOR, fetchVersion, Json2Transport, majorVersion } from './json2-transport';
import { jsonRpcCodec } from './jsonrpc-codec';
import type { Translate } from './messages';
import type {
  ExecuteRequest,
  OdooTransport,
  ServerVersion,
  TransportName,
  TransportSetting,
} from './transport';
import { ServiceRpcTransport } from './service-rpc-transport';
import { XML_RPC } from './xmlrpc-codec';

/** The transport a config node's setting asks for. */
export function createTransport(
  setting: TransportSetting,
  endpoint: HttpEndpoint,
  translate: Translate,
  apiDoc: ApiDoc,
): OdooTransport {
  switch (setting) {
    case 'jsonrpc':
      return new ServiceRpcTransport(endpoint, jsonRpcCodec(), translate);
    case 'json2':
      return new Json2Transport(endpoint, translate, apiDoc);
    case 'auto':
      return new AutoTransport(endpoint, translate, apiDoc);
    default:
      return new ServiceRpcTransport(endpoint, XML_RPC, translate);
  }
}

/**
 * `auto`: asks `GET /web/version` once, before the first call. JSON-2 when the server is Odoo
 * 19 or later, XML-RPC otherwise (older servers answer that path with a 404 page). A probe that
 * fails on the network is not remembered: the next call asks again.
 */
class AutoTransport implements OdooTransport {
  private chosen: Promise<OdooTransport> | undefined;
  private resolved: OdooTransport | undefined;
  private probedVersion: ServerVersion | undefined;

  constructor(
    private readonly endpoint: HttpEndpoint,
    private readonly translate: Translate,
    private readonly apiDoc: ApiDoc,
  ) {}

  get name(): TransportName | undefined {
    return this.resolved?.name;
  }

  async version(stop?: StopSignal): Promise<ServerVersion> {
    const transport = await this.transport(stop);
    return this.probedVersion ?? transport.version(stop);
  }

  async authenticate(
    db: string,
    login: string,
    secret: string,
    stop?: StopSignal,
  ): Promise<number | false> {
    return (await this.transport(stop)).authenticate(db, login, secret, stop);
  }

  async executeKw(request: ExecuteRequest): Promise<unknown> {
    return (await this.transport(request.stop)).executeKw(request);
  }

  async listDatabases(): Promise<string[]> {
    return (await this.transport()).listDatabases();
  }

  close(): void {
    this.endpoint.close();
  }

  private transport(stop?: StopSignal): Promise<OdooTransport> {
    this.chosen ??= this.probe(stop).then(
      (transport) => (this.resolved = transport),
      (error: unknown) => {
        this.chosen = undefined;
        throw error;
      },
    );
    return this.chosen;
  }

  private async probe(stop?: StopSignal): Promise<OdooTransport> {
    const answers = new Answers(this.endpoint, 'JSON-2', this.translate);
    const answer = await fetchVersion(this.endpoint, answers, '', stop);
    if (!(answer instanceof OdooError) && majorVersion(answer) >= FIRST_JSON2_MAJOR) {
      this.probedVersion = answer;
      return new Json2Transport(this.endpoint, this.translate, this.apiDoc);
    }
    return new ServiceRpcTransport(this.endpoint, XML_RPC, this.translate);
  }
}
