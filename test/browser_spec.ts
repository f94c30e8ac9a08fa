/**
 * The editor as a person uses it: Debian's Chromium (headless) drives the `npm start` Node-RED.
 * Screenshots of each step go to test/artifacts/browser/ (ignored by git).
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { ADMIN_API_KEY } from './stand-in/data';
import { freePort, waitFor } from './support/node-red-process';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const repository = path.resolve(__dirname, '..', '..');
const artifacts = path.join(repository, 'test', 'artifacts', 'browser');

/** A step the browser could not take is only skipped on a developer's machine, never in CI. */
function unavailable(context: Mocha.Context, reason: string): void {
  if (process.env.CI === 'true') throw new Error(`${reason} (CI must run the browser test)`);
  console.log(`    browser test skipped: ${reason}`);
  context.skip();
}

describe('the editor in a real browser (Chromium against npm start)', function () {
  this.timeout(180_000);
  let demo: ChildProcess | undefined;
  let demoOutput = '';
  let browser: BrowserContext | undefined;
  let profile = '';
  let page: Page;
  let editorUrl = '';
  let odooUrl = '';
  let step = 0;

  const shot = async (name: string) => {
    step += 1;
    await page.screenshot({
      path: path.join(artifacts, `${String(step).padStart(2, '0')}-${name}.png`),
    });
  };

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      return unavailable(this, `no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    }
    fs.rmSync(artifacts, { recursive: true, force: true });
    fs.mkdirSync(artifacts, { recursive: true });
    const [port, odooPort] = [await freePort(), await freePort()];
    editorUrl = `http://127.0.0.1:${port}/`;
    odooUrl = `http://127.0.0.1:${odooPort}`;
    demo = spawn(process.execPath, [path.join(repository, 'dist', 'test', 'demo.js')], {
      env: { ...process.env, PORT: String(port), DEMO_ODOO_PORT: String(odooPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout?.on('data', (chunk: Buffer) => (demoOutput += chunk.toString()));
    demo.stderr?.on('data', (chunk: Buffer) => (demoOutput += chunk.toString()));
    await waitFor(async () => {
      if (demo?.exitCode !== null) throw new Error(`npm start exited:\n${demoOutput}`);
      return demoOutput.includes('Started flows') ? true : undefined;
    }, 'npm start to be ready');

    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-chromium-'));
    try {
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
        viewport: { width: 1400, height: 1000 },
      });
    } catch (error) {
      return unavailable(this, `Chromium does not start here: ${(error as Error).message}`);
    }
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(20_000);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await shot('failure');
  });

  after(async function () {
    await browser?.close();
    if (demo && demo.exitCode === null) {
      const exited = new Promise((resolve) => demo?.once('exit', resolve));
      demo.kill('SIGINT');
      await exited;
    }
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  const typedInput = (name: string) =>
    page.locator(`.form-row:has(#node-input-${name}) input.red-ui-typedInput-input`);

  /**
   * Node-RED moves the focus into a dialog (its first focusable element) a moment after it slides
   * in; keys typed before that would land there instead of in the field being filled.
   */
  const settled = async () => {
    await page.waitForFunction(() => {
      const trays = document.querySelectorAll('.red-ui-tray');
      return trays.length > 0 && trays[trays.length - 1].contains(document.activeElement);
    });
  };

  const startedFlows = () => demoOutput.split('Started flows').length - 1;

  /** Deploys (confirming the warning about unfinished nodes) and waits until the flows run. */
  const deploy = async () => {
    const before = startedFlows();
    await page.click('#red-ui-header-button-deploy');
    const confirm = page.locator('.red-ui-notification button', { hasText: 'Confirm deploy' });
    const deployed = page.locator('.red-ui-notification', { hasText: 'Successfully deployed' });
    await Promise.race([confirm.waitFor(), deployed.waitFor()]);
    if (await confirm.isVisible()) await confirm.click();
    await deployed.waitFor();
    await waitFor(async () => (startedFlows() > before ? true : undefined), 'the deployed flows');
    // The next deploy looks for a new notification.
    await deployed.waitFor({ state: 'detached' });
  };

  it('configures a server, tests it, picks a model, deploys and shows the result', async function () {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(editorUrl);
    await page.waitForSelector('.red-ui-palette-node[data-palette-type="odoo-search"]');
    await shot('editor');

    // A new flow from the Import dialog: inject → search (no server, no model yet) → debug.
    const flow = [
      {
        id: 'b_inject',
        type: 'inject',
        name: 'browser go',
        props: [],
        repeat: '',
        crontab: '',
        once: false,
        onceDelay: 0.1,
        topic: '',
        wires: [['b_search']],
      },
      {
        id: 'b_search',
        type: 'odoo-search',
        server: '',
        model: '',
        modelType: 'str',
        domain: '[["is_company", "=", true]]',
        domainType: 'json',
        fields: '["name"]',
        fieldsType: 'json',
        limit: '3',
        limitType: 'num',
        returns: 'records',
        wires: [['b_debug']],
      },
      { id: 'b_debug', type: 'debug', name: 'browser result', complete: 'payload', wires: [] },
    ].map((node, index) => ({ ...node, x: 160 + index * 260, y: 520 }));
    await page.keyboard.press('Control+i');
    await page.fill('#red-ui-clipboard-dialog-import-text', JSON.stringify(flow));
    await page.click('#red-ui-clipboard-dialog-ok');
    await page.mouse.move(500, 600);
    await page.mouse.click(500, 600);
    const searchNode = page.locator('g.red-ui-flow-node-group', { hasText: 'search' }).last();
    await searchNode.waitFor();

    // The config node: added from the search node's dialog, then tested.
    await searchNode.dblclick();
    await settled();
    await page.click('#node-input-btn-server-add');
    await settled();
    await page.fill('#node-config-input-url', odooUrl);
    await page.fill('#node-config-input-db', 'odootest');
    await page.fill('#node-config-input-username', 'admin');
    await page.fill('#node-config-input-apiKey', ADMIN_API_KEY);
    await page.fill('#node-config-input-name', 'Browser Odoo');
    await page.click('#odoo-config-test');
    const result = page.locator('#odoo-config-test-result');
    await result.filter({ hasText: 'Connected' }).waitFor();
    assert.match(
      await result.innerText(),
      /^Connected over xmlrpc: Odoo 17\.0-20240709, database "odootest", user Mitchell Admin \(uid 2\)\./,
    );
    await shot('test-connection');
    await page.click('#node-config-dialog-ok');
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });

    // Not deployed yet: the model stays a plain input and says why there are no suggestions.
    await typedInput('model').click();
    await typedInput('model').pressSequentially('res.par');
    await page.locator('#odoo-hint-model', { hasText: 'Deploy this Odoo server first' }).waitFor();
    await shot('model-before-deploy');
    await page.click('#node-dialog-ok');
    await deploy();

    // Deployed: the model comes from the server's list.
    await searchNode.dblclick();
    await settled();
    await typedInput('model').fill('');
    await typedInput('model').pressSequentially('res.par');
    const suggestion = page
      .locator('.red-ui-autoComplete-container li')
      .filter({ has: page.locator('span', { hasText: /^res\.partner$/ }) });
    await suggestion.first().waitFor();
    await shot('model-autocomplete');
    await suggestion.first().click();
    assert.equal(await typedInput('model').inputValue(), 'res.partner');
    await page.click('#node-dialog-ok');
    await deploy();

    // Run it: the inject button, then the debug sidebar.
    await page
      .locator('g.red-ui-flow-node-group', { hasText: 'browser go' })
      .locator('.red-ui-flow-node-button')
      .click();
    await page.click('#red-ui-tab-debug-link-button');
    const message = page.locator('.red-ui-debug-msg', { hasText: 'browser result' }).first();
    await message.waitFor();
    await message
      .locator('.red-ui-debug-msg-type-meta, .red-ui-debug-msg-object-header')
      .first()
      .waitFor();
    assert.match(await message.innerText(), /array\[3\]/);
    await shot('debug-result');
    assert.deepEqual(errors, []);
  });
});
