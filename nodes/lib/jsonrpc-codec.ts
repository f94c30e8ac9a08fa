import type { IncomingMessage } from 'node:http';
import { Answers, isJson, readText } from './answers';
import type { StopSignal } from './calls';
import { asOdooException, errorFromJsonRpc } from './errors';
import type { HttpEndpoint } from './http';
import type { ServiceAnswer, ServiceCodec } from './service-rpc-transport';

const PATH = '/jsonrpc';
const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

/**
 * JSON-RPC 2.0 on `/jsonrpc`: the same services and arguments as XML-RPC in a JSON envelope. JSON
 * has no 32-bit limit, carries None as null and names the exception class.
 */
export function jsonRpcCodec(): ServiceCodec {
  let lastId = 0;
  return {
    name: 'jsonrpc',
    protocol: 'JSON-RPC',
    headers: HEADERS,
    path: () => PATH,
    encode: (service, method, args) => envelope({ service, method, args }, ++lastId),
    accepts: isJson,
    decode: async (path, body, answers) =>
      answerOf(answers.json(path, await readText(body)), path, answers),
  };
}

/**
 * One JSON-RPC 2.0 call to an Odoo route of type `json`/`jsonrpc` (`/web/database/list` beside
 * JSON-2): the result, or the error it maps to.
 */
export async function postJsonRpc(
  endpoint: HttpEndpoint,
  answers: Answers,
  path: string,
  params: Record<string, unknown>,
  stop?: StopSignal,
): Promise<unknown> {
  const answer = await endpoint.post(
    path,
    envelope(params, 1),
    HEADERS,
    true,
    async (response: IncomingMessage, body) => {
      await answers.expect(path, response, isJson(response));
      return answerOf(answers.json(path, await readText(body)), path, answers);
    },
    stop,
  );
  if ('error' in answer) throw answer.error;
  return answer.value;
}

function envelope(params: Record<string, unknown>, id: number): string {
  return JSON.stringify({ jsonrpc: '2.0', method: 'call', params, id });
}

/** The result (null when the method returned None: Odoo then sends no result), or the error. */
function answerOf(answer: unknown, path: string, answers: Answers): ServiceAnswer {
  if ((answer as { jsonrpc?: unknown } | null)?.jsonrpc !== '2.0') {
    throw answers.malformed(path, 'the answer is not a JSON-RPC 2.0 object');
  }
  const { result, error } = answer as { result?: unknown; error?: unknown };
  if (error === undefined) return { value: result ?? null };
  const data = (error as { data?: unknown } | null)?.data;
  const exception = asOdooException(data) ?? {
    name: 'JSON-RPC error',
    message: String((error as { message?: unknown } | null)?.message ?? JSON.stringify(error)),
  };
  return { error: errorFromJsonRpc(exception) };
}
