// View 3 of the sampler lab (issue 11): the time grid of each configuration in t, σ̃ and λ against the step
// index, three small d3 panels side by side. Fixed grids come from the spec through core (no GPU, no run);
// solvers that choose their steps while running show their latest run's grid, or say that none has run yet.

import { useEffect, useMemo, useRef } from 'react';
import { useAppStore } from '../state/hooks.ts';
import { shownConfigurations } from './configurations.ts';
import { GRID_QUANTITY_TITLES, drawGridChart, type GridChartReport, type GridQuantity } from '../views/gridChart.ts';
import { solverColor } from '../views/palette.ts';
import { configurationGrids, type ConfigurationGrid } from './gridData.ts';
import { useWidth } from './useWidth.ts';
import { gridReportFrom, reportGridView, viewReports } from './viewReports.ts';
import { ExportMenu } from './export/ExportMenu.tsx';
import { csvBlob, jsonBlob, svgBlob, svgPng } from './export/exporters.ts';
import { gridTable, targetSlug } from './export/viewData.ts';

const QUANTITIES: GridQuantity[] = ['t', 'sigma', 'lambda'];

/** the label of an earlier configuration with exactly this grid (their points coincide in every panel) */
function sameAs(all: ConfigurationGrid[], c: ConfigurationGrid): string | null {
  const earlier = all.slice(0, all.indexOf(c)).find((o) => o.source !== 'none' && o.t.length === c.t.length && o.t.every((t, i) => t === c.t[i]));
  return earlier ? earlier.label : null;
}
const PANEL_HEIGHT = 170;

const EXPLAIN: Record<GridQuantity, string> = {
  t: 'the process time of each grid point, from t_start (noise) to t_end',
  sigma: 'σ̃ = σ/α, the noise level in k-diffusion/EDM units, on a log axis',
  lambda: 'λ = log(α/σ), the half log-SNR: a log-SNR-uniform grid is a straight line here',
};

export function GridPanel() {
  const spec = useAppStore((s) => s.spec);
  const run = useAppStore((s) => s.run);
  // each shown configuration with its own solver options and schedule (configurations.ts)
  const solvers = shownConfigurations(spec);
  const configurations = useMemo(() => configurationGrids(spec, solvers, { spec: run.spec, results: run.results }), [spec, solvers, run]);
  const [box, width] = useWidth();
  const svgs = useRef<(SVGSVGElement | null)[]>([]);
  // three panels in a row when there is room, else stacked
  const panelWidth = width >= 720 ? Math.floor((width - 24) / 3) : width;

  useEffect(() => {
    if (panelWidth <= 0) return;
    const drawn = configurations.filter((c) => c.source !== 'none');
    const reports: GridChartReport[] = [];
    QUANTITIES.forEach((quantity, i) => {
      const svg = svgs.current[i];
      if (svg) reports.push(drawGridChart(svg, drawn, { width: panelWidth, height: PANEL_HEIGHT, quantity }));
    });
    reportGridView(gridReportFrom(configurations, reports));
  }, [configurations, panelWidth]);

  const drawnCount = configurations.filter((c) => c.source !== 'none').length;
  const noGrid = drawnCount === 0 ? 'No grid to export: the shown solvers choose their steps while running and none has run yet' : null;
  const exportName = ['grid', spec.schedule.type, targetSlug(spec.target)];
  const panelSvg = (i: number) => {
    const svg = svgs.current[i];
    if (!svg) throw new Error('the panel is not drawn');
    return svg;
  };
  const exportRows = [
    ...QUANTITIES.map((q, i) => ({
      what: `time grid in ${({ t: 't', sigma: 'σ̃', lambda: 'λ' } as const)[q]}`,
      actions: [
        { format: 'svg' as const, name: [...exportName, q], make: () => svgBlob(panelSvg(i)), unavailable: noGrid },
        { format: 'png' as const, name: [...exportName, q], make: () => svgPng(panelSvg(i)), unavailable: noGrid },
      ],
    })),
    {
      what: 'time grids',
      actions: [
        {
          format: 'csv' as const,
          name: exportName,
          describe: 'One row per configuration and grid point: t, σ̃ and λ',
          make: () => {
            // each configuration keeps its index (its position among the shown ones) when one without a grid is left out
            const table = gridTable(viewReports().grid?.configurations.map((c, index) => ({ ...c, index })).filter((c) => c.t.length > 0) ?? []);
            return csvBlob(table.header, table.rows);
          },
          unavailable: noGrid,
        },
        {
          format: 'json' as const,
          name: exportName,
          describe: 'The spec and every configuration’s grid (λ = +∞ is written null)',
          make: () => jsonBlob({ kind: 'stepscope-time-grids', spec, view: viewReports().grid }),
          unavailable: noGrid,
        },
      ],
    },
  ];
  return (
    <section className="panel grid-panel" aria-label="Time grids">
      <div className="panel-head">
        <h2>Time grids</h2>
        <ul className="legend grid-legend" aria-label="Configurations">
          {configurations.map((c) => (
            <li key={`${c.solver}:${c.label}`} className="legend-item" title={c.note ?? `${c.t.length - 1} steps, computed from the settings`}>
              <span className="swatch" style={{ background: c.color ?? solverColor(c.solver) }} aria-hidden="true" />
              {c.label}
              {c.source === 'spec' && (
                <span className="grid-steps">
                  &nbsp;· {c.t.length - 1} steps{sameAs(configurations, c) && `, same grid as ${sameAs(configurations, c)}`}
                </span>
              )}
              {c.source === 'run' && <span className="grid-steps">&nbsp;· {c.t.length - 1} steps (its run)</span>}
              {c.source === 'none' && <span className="grid-steps">&nbsp;· {c.note}</span>}
            </li>
          ))}
        </ul>
        <ExportMenu label="time grids" rows={exportRows} />
      </div>
      <div className="grid-panels" ref={box}>
        {QUANTITIES.map((q, i) => (
          <figure key={q} className="grid-figure" style={panelWidth > 0 ? { width: panelWidth } : undefined}>
            <svg
              ref={(el) => {
                svgs.current[i] = el;
              }}
              role="img"
              aria-label={`Time grid in ${GRID_QUANTITY_TITLES[q]} against the step index`}
              data-testid={`grid-${q}`}
            />
            <figcaption className="hint">{EXPLAIN[q]}</figcaption>
          </figure>
        ))}
      </div>
      <p className="hint">
        Step index i = 0 is the start (noise); each grid has N + 1 points for N steps. A grid ending at σ = 0 has λ = +∞ there: that point sits hollow on
        the panel's edge.
      </p>
    </section>
  );
}
