import assert from 'node:assert/strict';
import type { StandIn } from './stand-in/server';
import { deploy, errorOf, helper, payloadOf, Server, startOdoo, TRANSPORT } from './support/flow';

describe(`every parameter is a TypedInput (${TRANSPORT})`, function () {
  let odoo: StandIn;
  let server: Server;

  before(async function () {
    odoo = await startOdoo();
  });

  beforeEach(function () {
    odoo.reset();
    server = { url: odoo.url, db: odoo.db, login: 'admin', apiKey: odoo.adminApiKey };
  });

  afterEach(async function () {
    await helper.unload();
    delete process.env.ODOO_TEST_MODEL;
  });

  after(async function () {
    await odoo.close();
  });

  const companies = '[["is_company", "=", true]]';

  it('str and json', async function () {
    const flow = await deploy(server, [
      {
        type: 'odoo-search',
        model: 'res.partner',
        modelType: 'str',
        domain: companies,
        domainType: 'json',
        returns: 'count',
      },
    ]);
    assert.equal(payloadOf(await flow.run()), 8);
  });

  it('msg', async function () {
    const flow = await deploy(server, [
      {
        type: 'odoo-search',
        model: 'target.model',
        modelType: 'msg',
        domain: 'filter',
        domainType: 'msg',
        returns: 'count',
      },
    ]);
    const outcome = await flow.run({
      target: { model: 'res.partner' },
      filter: [['is_company', '=', true]],
    });
    assert.equal(payloadOf(outcome), 8);
  });

  it('flow and global context', async function () {
    const flow = await deploy(server, [
      {
        type: 'odoo-search',
        model: 'odooModel',
        modelType: 'flow',
        domain: 'odooDomain',
        domainType: 'global',
        returns: 'count',
      },
    ]);
    const context = flow.node().context();
    context.flow.set('odooModel', 'res.partner');
    context.global.set('odooDomain', [['is_company', '=', true]]);
    assert.equal(payloadOf(await flow.run()), 8);
  });

  it('env', async function () {
    process.env.ODOO_TEST_MODEL = 'res.partner';
    const flow = await deploy(server, [
      {
        type: 'odoo-search',
        model: 'ODOO_TEST_MODEL',
        modelType: 'env',
        domain: companies,
        domainType: 'json',
        returns: 'count',
      },
    ]);
    assert.equal(payloadOf(await flow.run()), 8);
  });

  it('jsonata', async function () {
    const flow = await deploy(server, [
      {
        type: 'odoo-read',
        model: '"res." & "partner"',
        modelType: 'jsonata',
        ids: 'payload.ids[0]',
        idsType: 'jsonata',
        fields: '["name"]',
        fieldsType: 'json',
      },
    ]);
    assert.deepEqual(payloadOf(await flow.run({ payload: { ids: [1, 3] } })), [
      { id: 1, name: 'YourCompany' },
    ]);
  });

  it('num, and digits from an env variable', async function () {
    process.env.ODOO_TEST_MODEL = '2';
    const flow = await deploy(server, [
      {
        type: 'odoo-search',
        model: 'res.partner',
        limit: '3',
        limitType: 'num',
        offset: 'ODOO_TEST_MODEL',
        offsetType: 'env',
        order: 'id',
        returns: 'ids',
      },
    ]);
    assert.deepEqual(payloadOf(await flow.run()), [7, 8, 9]);
  });

  it('fields as comma-separated text', async function () {
    const flow = await deploy(server, [
      { type: 'odoo-read', model: 'res.partner', fields: 'name, is_company', fieldsType: 'str' },
    ]);
    assert.deepEqual(payloadOf(await flow.run({ payload: 1 })), [
      { id: 1, name: 'YourCompany', is_company: true },
    ]);
  });

  it('a JSONata error is invalid input', async function () {
    const flow = await deploy(server, [
      { type: 'odoo-search', model: '$$$(', modelType: 'jsonata' },
    ]);
    const error = errorOf(await flow.run());
    assert.equal(error.code, 'ODOO_INVALID_INPUT');
    assert.match(error.message, /^model could not be evaluated/);
  });
});
