// Node module hooks for the CLI: `import text from './x.wgsl?raw'` yields the file's text, as in Vite.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const isRaw = (url) => url.startsWith('file:') && new URL(url).searchParams.has('raw');

export async function resolve(specifier, context, nextResolve) {
  if (specifier.endsWith('?raw')) {
    const url = new URL(specifier, context.parentURL);
    return { url: url.href, shortCircuit: true, format: 'module' };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (isRaw(url)) {
    const file = new URL(url);
    file.search = '';
    const path = fileURLToPath(file);
    const text = await readFile(path, 'utf8');
    return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
