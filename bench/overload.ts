/**
 * Child process for measurement 6: a flow keeps sending messages to an Odoo that has stopped
 * answering. Each message waits at most `timeout` for a free connection, so what Node-RED holds
 * is bounded by the arrival rate times the timeout, whatever the backlog: every message ends,
 * memory stays flat. The orchestrator hangs the stand-in once this child has logged in.
 */
import { performance } from 'node:perf_hooks';
import {
  catchNodes,
  childConfig,
  peakRssMB,
  runMain,
  serverNode,
  sinkNode,
  startNodeRed,
  TAB,
  Target,
} from './support';

export interface OverloadConfig {
  target: Target;
  messages: number;
  /** Over how long the messages arrive, evenly. */
  arrivalSeconds: number;
  timeoutSeconds: number;
}

export interface OverloadResult {
  ended: number;
  /** From the first message sent to the last one ended. */
  seconds: number;
  /** How the messages ended: error code → count. */
  codes: Record<string, number>;
  /** The most messages that had arrived and not yet ended, at any moment. */
  mostInFlight: number;
  rssBeforeMB: number;
  peakRssMB: number;
}

/** From the orchestrator: the stand-in hangs now. */
export type OverloadGo = { type: 'go' };

runMain(async () => {
  const { target, messages, arrivalSeconds, timeoutSeconds } = childConfig<OverloadConfig>();
  const server = serverNode(target);
  const nodeRed = await startNodeRed(
    [
      TAB,
      { ...server.node, timeout: timeoutSeconds },
      { id: 'inject', type: 'inject', z: 'bench', props: [], repeat: '', wires: [['search']] },
      {
        id: 'search',
        type: 'odoo-search',
        z: 'bench',
        server: 'odoo',
        model: 'res.partner',
        modelType: 'str',
        returns: 'count',
        wires: [['sink']],
      },
      sinkNode('sink'),
      ...catchNodes(),
    ],
    server.credentials,
  );
  let ended = 0;
  const codes: Record<string, number> = {};
  let onEnd = () => undefined as void;
  nodeRed.node('sink').on('input', () => {
    codes.ok = (codes.ok ?? 0) + 1;
    ended++;
    onEnd();
  });
  nodeRed.node('failures').on('input', (msg) => {
    const code = String((msg.error as { code?: string } | undefined)?.code ?? 'other');
    codes[code] = (codes[code] ?? 0) + 1;
    ended++;
    onEnd();
  });
  const inject = nodeRed.node('inject');
  // Log in while Odoo answers; then the orchestrator makes it hang.
  await new Promise<void>((resolve) => {
    onEnd = resolve;
    inject.receive({});
  });
  ended = 0;
  delete codes.ok;
  await new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.send?.({ type: 'ready' });
  });
  const rssBeforeMB = process.memoryUsage().rss / 1024 / 1024;
  const started = performance.now();
  let sent = 0;
  let mostInFlight = 0;
  const perTick = Math.max(1, Math.round(messages / (arrivalSeconds * 100)));
  const done = new Promise<void>((resolve) => {
    onEnd = () => {
      if (ended === messages) resolve();
    };
  });
  const ticker = setInterval(() => {
    for (let index = 0; index < perTick && sent < messages; index++, sent++) inject.receive({});
    mostInFlight = Math.max(mostInFlight, sent - ended);
    if (sent === messages) clearInterval(ticker);
  }, 10);
  await done;
  const seconds = (performance.now() - started) / 1000;
  const result: OverloadResult = {
    ended,
    seconds,
    codes,
    mostInFlight,
    rssBeforeMB,
    peakRssMB: peakRssMB(),
  };
  await nodeRed.stop();
  process.send?.(result, () => process.exit(0));
});
