// `node --import ./bin/register.mjs file.ts`: TypeScript through tsx and WGSL `?raw` imports through raw-loader.mjs,
// the same loading as the `stepscope` CLI (used by `npm run bench`).
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./raw-loader.mjs', import.meta.url);
