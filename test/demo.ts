/**
 * `npm start`: Node-RED 4.1 on http://127.0.0.1:1880 with this working tree installed, the
 * examples, and a flow tab wired to the stand-in Odoo (or to a real Odoo named by ODOO_URL,
 * ODOO_DB, ODOO_USERNAME and ODOO_API_KEY), over ODOO_TRANSPORT (xmlrpc, jsonrpc, json2 or
 * auto; the stand-in is Odoo 19 for json2 and auto, 17 otherwise). Ctrl-C stops everything.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { demoFlow } from './demo-flow';
import { startStandIn, StandIn } from './stand-in/server';
import { prepareUserDir } from './support/node-red-process';

/** The stand-in's port unless it is taken; the README's table names it. */
const DEMO_ODOO_PORT = 18069;

interface Target {
  url: string;
  db: string;
  username: string;
  apiKey: string;
  transport: string;
}

async function odooTarget(): Promise<{ target: Target; standIn?: StandIn }> {
  const { ODOO_URL, ODOO_DB, ODOO_USERNAME, ODOO_API_KEY } = process.env;
  const transport = process.env.ODOO_TRANSPORT ?? 'xmlrpc';
  if (ODOO_URL) {
    return {
      target: {
        url: ODOO_URL,
        db: ODOO_DB ?? '',
        username: ODOO_USERNAME ?? '',
        apiKey: ODOO_API_KEY ?? '',
        transport,
      },
    };
  }
  const version = transport === 'json2' || transport === 'auto' ? '19.0' : '17.0';
  const port = Number(process.env.DEMO_ODOO_PORT ?? DEMO_ODOO_PORT);
  const standIn = await startStandIn({ port, version }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' || process.env.DEMO_ODOO_PORT) throw error;
    return startStandIn({ version });
  });
  return {
    target: {
      url: standIn.url,
      db: standIn.db,
      username: 'admin',
      apiKey: standIn.adminApiKey,
      transport,
    },
    standIn,
  };
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 1880);
  const { target, standIn } = await odooTarget();
  const { flows, configId } = demoFlow(target);
  const userDir = prepareUserDir({
    port,
    flows,
    credentials: { [configId]: { apiKey: target.apiKey } },
  });
  const nodeRed: ChildProcess = spawn(
    process.execPath,
    [
      require.resolve('node-red/red.js'),
      '--userDir',
      userDir,
      '--settings',
      path.join(userDir, 'settings.js'),
    ],
    { stdio: 'inherit' },
  );
  if (standIn) {
    console.log(
      `Odoo: the stand-in Odoo ${standIn.version} with demo data, over ${target.transport}`,
    );
    console.log(`  URL       ${target.url}`);
    console.log(`  database  ${target.db}`);
    console.log(`  login     ${target.username}`);
    console.log(`  API key   ${target.apiKey}   (a demo key; a real Odoo's key is never printed)`);
  } else {
    console.log(
      `Odoo: ${target.url} (database ${target.db}, login ${target.username}, ${target.transport}, API key from ODOO_API_KEY)`,
    );
  }
  console.log(`Node-RED: http://127.0.0.1:${port} (user directory ${userDir})`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    nodeRed.kill('SIGINT');
    await standIn?.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  nodeRed.on('exit', (code) => {
    void stop().then(() => process.exit(code ?? 0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
