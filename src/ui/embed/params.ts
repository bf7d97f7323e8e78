// Embed mode's URL parameters (issue 8, "Embed and export"): `embed=1` turns a sampler or PDE link into a
// chrome-less figure for an iframe; `hide=` and `show=` (comma-separated panel ids) choose its panels. They are
// added to the ordinary links (`?spec=2.…` / `?lab=pde&pde=…`), never a separate spec format. Pure: no DOM.

export const EMBED_PARAM = 'embed';
export const HIDE_PARAM = 'hide';
export const SHOW_PARAM = 'show';

/** the labs that can be embedded (the benchmark page measures the visitor's GPU; it is not a figure) */
export type EmbedLab = 'samplers' | 'pde';

/**
 * Panel ids per lab, in page order, with what each covers (README "Embed" lists them). An id names a whole
 * region, so a hidden panel is not even mounted (it costs no GPU work).
 */
export const PANELS = {
  samplers: {
    header: 'title bar: lab switcher, GPU badge, copy buttons',
    controls: 'left sidebar: target, solver, schedule, run settings',
    flow: 'the flow view (or the image grid for image targets)',
    quality: 'quality against NFE (the sweep chart)',
    grid: 'time grids',
    methods: 'method panels (BOSS steps, DPM-Solver-v3 statistics)',
    claims: 'paper claims',
    runs: 'saved runs',
    footer: 'footer line',
  },
  pde: {
    header: 'title bar: lab switcher, GPU badge, copy buttons',
    controls: 'left sidebar: equation, grid, stepper, initial state',
    runbar: 'Play / Pause / Step / Reset toolbar',
    fields: 'the field view of each run',
    views: 'view and brush settings',
    invariants: 'invariants over time',
    spectrum: 'energy spectrum',
    stability: 'stability region',
    convergence: 'convergence study',
    footer: 'footer line',
  },
} as const satisfies Record<EmbedLab, Record<string, string>>;

export type PanelId = keyof (typeof PANELS)['samplers'] | keyof (typeof PANELS)['pde'];

/** hidden in embed mode unless `show=` asks for them: an embedded figure has no chrome by default */
export const EMBED_DEFAULT_HIDDEN: readonly PanelId[] = ['header', 'controls'];

export interface EmbedParams {
  embed: boolean;
  /** the panels not rendered (empty outside embed mode) */
  hidden: ReadonlySet<PanelId>;
  /** what was wrong with the parameters (each names the parameter, the value and what is allowed); the rest applied */
  problems: string[];
}

export const NOT_EMBEDDED: EmbedParams = { embed: false, hidden: new Set(), problems: [] };

export function panelIds(lab: EmbedLab): PanelId[] {
  return Object.keys(PANELS[lab]) as PanelId[];
}

function list(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** the parameter's value for a message: quoted, cut short (a link is user input of any length) */
function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/**
 * Reads `embed`, `hide` and `show` from a query string. Unknown ids are reported and skipped; the valid ones
 * still apply. Outside embed mode `hide`/`show` do nothing (the full page keeps every panel) and say so.
 */
export function parseEmbedParams(search: string, lab: EmbedLab | 'bench' | 'lessons' | 'train'): EmbedParams {
  const params = new URLSearchParams(search);
  const raw = params.get(EMBED_PARAM);
  const problems: string[] = [];
  let embed = false;
  if (raw !== null) {
    if (raw === '1' || raw === 'true') embed = true;
    else if (raw !== '0' && raw !== 'false') problems.push(`embed: ${quote(raw)} is not allowed; use embed=1 (or embed=0); the page opened in full`);
  }
  const hideIds = list(params.get(HIDE_PARAM));
  const showIds = list(params.get(SHOW_PARAM));
  if (lab === 'bench' || lab === 'lessons' || lab === 'train') {
    const why =
      lab === 'bench'
        ? 'the benchmark page cannot be embedded (it measures the visitor’s GPU)'
        : lab === 'lessons'
          ? 'a lesson is a whole page: link to it, or embed the lab link of its figure'
          : 'the training lab cannot be embedded yet: link to it';
    if (embed || hideIds.length || showIds.length) problems.push(`embed: ${why}; embed, hide and show were ignored`);
    return { embed: false, hidden: new Set(), problems };
  }
  if (!embed) {
    if (hideIds.length || showIds.length) problems.push('hide/show: panels can only be hidden in embed mode (add embed=1); every panel is shown');
    return { embed: false, hidden: new Set(), problems };
  }
  const allowed = panelIds(lab);
  const known = (name: string, ids: string[]): PanelId[] => {
    const bad = ids.filter((id) => !(allowed as string[]).includes(id));
    if (bad.length > 0) {
      const which = bad.map(quote).join(', ');
      problems.push(`${name}: unknown panel id${bad.length > 1 ? 's' : ''} ${which} for the ${lab === 'pde' ? 'PDE' : 'sampler'} lab; allowed: ${allowed.join(', ')}`);
    }
    return ids.filter((id): id is PanelId => (allowed as string[]).includes(id));
  };
  const hide = known(HIDE_PARAM, hideIds);
  const show = known(SHOW_PARAM, showIds);
  const both = show.filter((id) => hide.includes(id));
  if (both.length > 0) problems.push(`hide/show: ${both.join(', ')} in both; hidden`);
  const hidden = new Set<PanelId>([...EMBED_DEFAULT_HIDDEN.filter((id) => !show.includes(id)), ...hide]);
  return { embed, hidden, problems };
}

/**
 * The link an embedding page puts in its iframe: the shown lab's link with `embed=1` (and any hide list).
 * The link itself is the lab's own (spec or PDE link); nothing else of the current address is carried.
 */
export function embedUrl(link: string, hide: readonly string[] = []): string {
  const url = new URL(link);
  url.searchParams.delete(HIDE_PARAM);
  url.searchParams.delete(SHOW_PARAM);
  url.searchParams.set(EMBED_PARAM, '1');
  if (hide.length > 0) url.searchParams.set(HIDE_PARAM, hide.join(','));
  return url.toString();
}

/** copies the embed parameters of `from` (the page's address) onto `link` (a lab link that dropped them) */
export function keepEmbedParams(link: string, from: string): string {
  const source = new URL(from).searchParams;
  const url = new URL(link);
  for (const name of [EMBED_PARAM, HIDE_PARAM, SHOW_PARAM]) {
    const value = source.get(name);
    if (value !== null) url.searchParams.set(name, value);
  }
  return url.toString();
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** the snippet "Copy embed code" copies: an iframe of the current link in embed mode */
export function embedSnippet(link: string, lab: EmbedLab): string {
  const title = lab === 'pde' ? 'Stepscope PDE lab' : 'Stepscope diffusion samplers';
  // width/height fit the chrome-less layout's two columns; `allow` lets the figure's own buttons copy
  return `<iframe src="${escapeAttribute(embedUrl(link))}" title="${title}" width="960" height="640" style="border:0;max-width:100%" loading="lazy" allow="clipboard-write"></iframe>`;
}
