/**
 * `npm run test:package`: packs the package, installs the tarball into a fresh Node-RED user
 * directory as a user would, starts Node-RED and checks that every node, its help, catalogs,
 * icon and the examples load without an error.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NODE_RED_CLI } from './support/node-red';

const repository = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(repository, 'package.json'), 'utf8')) as {
  name: string;
  'node-red': { nodes: Record<string, string> };
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitFor<T>(attempt: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let tries = 0; tries < 120; tries++) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-package-check-'));
  const [{ filename }] = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--pack-destination', work], {
      cwd: repository,
      encoding: 'utf8',
    }),
  ) as { filename: string }[];
  const userDir = path.join(work, 'user');
  fs.mkdirSync(userDir);
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify({ name: 'node-red-user', private: true }),
  );
  // Trace logging: the API key must not appear even at the most verbose level.
  fs.writeFileSync(
    path.join(userDir, 'settings.js'),
    "module.exports = { flowFile: 'flows.json', logging: { console: { level: 'trace' } } };\n",
  );
  execFileSync(npm, ['install', '--no-audit', '--no-fund', path.join(work, filename)], {
    cwd: userDir,
    stdio: 'inherit',
  });

  const port = await freePort();
  let output = '';
  const nodeRed = spawn(
    process.execPath,
    [NODE_RED_CLI, '--userDir', userDir, '--port', String(port)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  nodeRed.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  nodeRed.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  try {
    const sets = await waitFor(async () => {
      const answer = await fetch(`${base}/nodes`, { headers: { Accept: 'application/json' } });
      return answer.ok
        ? ((await answer.json()) as { module: string; types: string[]; err?: string }[])
        : undefined;
    }, 'Node-RED to start');
    const ours = sets.filter((set) => set.module === manifest.name);
    const types = ours.flatMap((set) => set.types).sort();
    assert.deepEqual(
      types,
      Object.keys(manifest['node-red'].nodes).sort(),
      'every node type loads',
    );
    for (const set of ours)
      assert.equal(set.err, undefined, `${set.types.join()} failed: ${set.err}`);

    const html = await (await fetch(`${base}/nodes`, { headers: { Accept: 'text/html' } })).text();
    for (const type of types)
      assert.match(html, new RegExp(`registerType\\('${type}'`), `${type} editor`);
    for (const type of types)
      assert.match(html, new RegExp(`data-help-name="${type}"`), `${type} help`);
    // The editor library every node's HTML loads, from the package's resources/ folder.
    const editorScript = `resources/${manifest.name}/odoo-editor.js`;
    assert.equal(
      (html.match(new RegExp(`<script src="${editorScript}">`, 'g')) ?? []).length,
      types.length,
    );
    const library = await fetch(`${base}/${editorScript}`);
    assert.equal(library.status, 200, 'the editor library is served');
    assert.match(await library.text(), /window\.OdooConnectorEditor = /);
    for (const type of types.filter((name) => name !== 'odoo-config')) {
      const icon = await fetch(`${base}/icons/${manifest.name}/${type}.svg`);
      assert.equal(icon.status, 200, `${type} icon served`);
      assert.match(icon.headers.get('content-type') ?? '', /svg/, `${type} icon is SVG`);
    }
    const catalog = (await (
      await fetch(`${base}/locales/${manifest.name}/odoo-config?lng=en-US`)
    ).json()) as {
      errors?: object;
    };
    assert.ok(catalog.errors, 'message catalog served');
    const secret = 'package-check-secret-0123456789abcdef';
    const deployed = await fetch(`${base}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify([
        { id: 'tab1', type: 'tab', label: 'check' },
        {
          id: 'cfg1',
          type: 'odoo-config',
          url: 'https://odoo.example.com',
          db: 'db',
          username: 'me',
          credentials: { apiKey: secret },
        },
      ]),
    });
    assert.equal(deployed.status, 204, 'flow deployed');
    const exported = await (await fetch(`${base}/flows`)).text();
    assert.ok(
      exported.includes('cfg1') && !exported.includes(secret),
      'GET /flows never holds the API key',
    );
    const credentialsView = await (await fetch(`${base}/credentials/odoo-config/cfg1`)).json();
    assert.deepEqual(
      credentialsView,
      { has_apiKey: true },
      'the editor only learns that a key exists',
    );
    await waitFor(
      async () => (fs.existsSync(path.join(userDir, 'flows_cred.json')) ? true : undefined),
      'credentials saved',
    );
    assert.ok(
      !fs.readFileSync(path.join(userDir, 'flows_cred.json'), 'utf8').includes(secret),
      'stored encrypted',
    );
    assert.ok(
      !fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8').includes(secret),
      'not in the flow file',
    );
    const examples = fs.readdirSync(path.join(userDir, 'node_modules', manifest.name, 'examples'));
    assert.ok(examples.length >= 4, 'examples installed');
    assert.doesNotMatch(output, /\[error\]/i, 'Node-RED logged no error');
    assert.ok(!output.includes(secret), 'the API key is never logged');
    console.log(`package check passed: ${types.length} node types, ${examples.length} examples`);
  } catch (error) {
    console.error(output);
    throw error;
  } finally {
    nodeRed.kill('SIGINT');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
