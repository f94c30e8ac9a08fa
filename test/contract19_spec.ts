/**
 * Contract test for Odoo 19: replays the exchanges recorded from a real Odoo 19
 * (test/fixtures/odoo19-wire, see its INDEX.md) against a stand-in Odoo 19 and checks that it
 * answers alike: the status, the content type, the headers a client reads (Accept, ETag,
 * WWW-Authenticate), and the body: the same JSON shape, the same exception class and message
 * (digits aside), the same HTML page for a 415, the same XML-RPC value shape. The recordings hold
 * the demo data of a real database, so values are not compared, only their shapes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { XmlRpcDecoder } from '../nodes/lib/xmlrpc-decoder';
import { startStandIn, StandIn } from './stand-in/server';
import { Json, shapeOf } from './support/shapes';

const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'odoo19-wire');
const RECORDED_DB = 'acc19';

interface Recorded {
  name: string;
  description: string;
  request: { method: string; path: string; headers: Record<string, string>; body: string | null };
  response: { status: number; headers: [string, string][]; body: string };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(standIn: StandIn, request: Recorded['request'], headers: Record<string, string>) {
  return new Promise<Answer>((resolve, reject) => {
    const outgoing = http.request(
      new URL(request.path, standIn.url),
      { method: request.method, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body === null ? undefined : substitute(request.body, standIn, 'admin'));
  });
}

/** The recorded database and (redacted) key, as the stand-in knows them. */
function substitute(text: string, standIn: StandIn, user: 'admin' | 'demo'): string {
  const key = user === 'admin' ? standIn.adminApiKey : standIn.createApiKey('demo');
  return text.replaceAll('API_KEY_REDACTED', key).replaceAll(RECORDED_DB, standIn.db);
}

const header = (headers: [string, string][], name: string) =>
  headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

/** What a body is compared by: its JSON shape, an error's class and message, or the text. */
function bodyOf(type: string, body: string): Json {
  if (type === 'text/xml') {
    const decoder = new XmlRpcDecoder();
    decoder.write(Buffer.from(body, 'utf8'));
    const outcome = decoder.end();
    return outcome.kind === 'fault'
      ? { fault: outcome.faultCode as number }
      : shapeOf(outcome.value);
  }
  if (type !== 'application/json') return body.replace(/\d+/g, 'N');
  if (body === '') return '';
  const value = JSON.parse(body) as unknown;
  const error = value as { name?: unknown; message?: unknown } | null;
  if (error && typeof error.name === 'string' && typeof error.message === 'string') {
    return { name: error.name, message: error.message.replace(/\d+/g, 'N') };
  }
  return shapeOf(value);
}

/** A document of api_doc, as far as the stand-in knows it: field types and its own methods. */
function apiDocOf(body: string, methods: string[]): Json {
  const document = JSON.parse(body) as {
    model: string;
    fields: Record<string, { type: string }>;
    methods: Record<string, { api?: string[]; parameters: Record<string, { kind?: string }> }>;
  };
  return {
    keys: Object.keys(document).sort(),
    fields: Object.fromEntries(
      Object.entries(document.fields).map(([name, field]) => [name, field.type]),
    ),
    methods: Object.fromEntries(
      methods.map((name) => {
        const entry = document.methods[name];
        return [
          name,
          entry && {
            model: entry.api?.includes('model') ?? false,
            parameters: Object.entries(entry.parameters).map(([parameter, { kind }]) => [
              parameter,
              kind ?? 'POSITIONAL_OR_KEYWORD',
            ]),
          },
        ];
      }),
    ),
  };
}

describe('contract: the stand-in answers like the recorded Odoo 19', function () {
  let standIn: StandIn;
  const files = fs
    .readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.json'))
    .sort();

  before(async function () {
    standIn = await startStandIn({ version: '19.0' });
  });

  after(async function () {
    await standIn.close();
  });

  it('has recordings to replay', function () {
    assert.ok(files.length >= 15, `${files.length} recordings`);
  });

  for (const file of files) {
    const recorded = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as Recorded;
    it(`${recorded.name}: ${recorded.description}`, async function () {
      standIn.reset();
      const user = recorded.name === 'doc-bearer-not-admin' ? 'demo' : 'admin';
      const headers = Object.fromEntries(
        Object.entries(recorded.request.headers).map(([name, value]) => [
          name,
          substitute(value, standIn, user),
        ]),
      );
      if (headers['If-None-Match']) {
        // The stand-in's own ETag for the same document.
        const first = await send(standIn, recorded.request, { ...headers, 'If-None-Match': '' });
        headers['If-None-Match'] = String(first.headers.etag);
      }
      const answer = await send(standIn, recorded.request, headers);
      const { response } = recorded;
      assert.equal(answer.status, response.status, answer.body.slice(0, 300));
      const type = (header(response.headers, 'Content-Type') ?? '').split(';')[0];
      assert.equal(String(answer.headers['content-type'] ?? '').split(';')[0], type);
      for (const name of ['Accept', 'WWW-Authenticate', 'ETag']) {
        assert.equal(
          answer.headers[name.toLowerCase()] !== undefined,
          header(response.headers, name) !== undefined,
          name,
        );
      }
      if (recorded.name === 'doc-bearer-category') {
        const methods = [
          'search_read',
          'read',
          'create',
          'write',
          'copy',
          'name_search',
          'name_create',
        ];
        assert.deepEqual(apiDocOf(answer.body, methods), apiDocOf(response.body, methods));
        return;
      }
      assert.deepEqual(bodyOf(type, answer.body), bodyOf(type, response.body));
    });
  }
});
