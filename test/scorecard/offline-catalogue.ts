/**
 * Preloaded into `node-red-dev validate` by `npm run validate`. node-red-dev aborts when
 * catalogue.nodered.org (the Flow Library's list of published node types, read for N01 and P08)
 * cannot be reached, as on machines that only reach package registries. Then, and only then, it is
 * answered with an empty catalogue and a notice: N01 and P08 pass without comparing our node
 * types with other packages'. Every other request goes out unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';

const CATALOGUE = 'https://catalogue.nodered.org/catalogue.json';

interface Axios {
  get(url: string, config?: Record<string, unknown>): Promise<unknown>;
}

const cli = path.dirname(require.resolve('node-red-dev/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const axios = require(require.resolve('axios', { paths: [cli] })) as Axios;
const get = axios.get.bind(axios);
let announced = false;

axios.get = async (url, config) => {
  if (url !== CATALOGUE) return get(url, config);
  try {
    return await get(url, { ...config, timeout: 15_000 });
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    if (!announced) {
      announced = true;
      console.log(
        `    (offline) ${CATALOGUE} is unreachable (${reason}): N01 and P08 are checked ` +
          'against an EMPTY catalogue, so they do not compare our node types with other packages.',
      );
      const marker = process.env.ODOO_SCORECARD_STUB_MARKER;
      if (marker) fs.writeFileSync(marker, reason);
    }
    return { status: 200, data: { modules: [] } };
  }
};
