// The lessons (issue #8 "Lessons"): `?lab=lessons` lists them, `?lab=lessons&lesson=ID` shows one: a short page of
// text beside live figures whose checks prove its claim with the numbers on screen. The bundled lessons are
// Markdown files in public/lessons/ (index.json gives their order); an instructor opens their own file with "Open a
// lesson file…" and sees it rendered the same way, or, when it is malformed, the parser's message (file, line,
// field) in place of the lesson. Text is rendered by react-markdown without raw HTML: a lesson file cannot inject
// markup or script.

import { useEffect, useState } from 'react';
import Markdown from 'react-markdown';
import { type Lesson, LessonError, parseLesson } from '../../core/lessons/lesson.ts';
import { StoreContext, useAppStore } from '../../state/hooks.ts';
import type { Lab } from '../../state/pdeUrl.ts';
import type { AppStore } from '../../state/store.ts';
import { Header } from '../Header.tsx';
import { NoticeBanner } from '../NoticeBanner.tsx';
import { reportLessonView } from '../viewReports.ts';
import { type FigureRun, LessonFigure, figureShape, formatValue } from './LessonFigure.tsx';
import { LESSON_PARAM, lessonsUrl } from './lessonsUrl.ts';
import './lessons.css';

/** where the bundled lessons are served (public/lessons/) */
const LESSONS_BASE = `${import.meta.env.BASE_URL}lessons/`;
/** a lesson file an instructor opens: a few pages of Markdown, not a dataset */
const MAX_LESSON_BYTES = 256 * 1024;

type Loaded = { status: 'loading' } | { status: 'ready'; lesson: Lesson; text: string; fileName: string } | { status: 'error'; fileName: string; message: string };

async function fetchText(path: string): Promise<string> {
  const response = await fetch(`${LESSONS_BASE}${path}`);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.text();
}

/** the bundled lessons, parsed (each file once per page) */
let catalogue: Promise<{ id: string; text: string; lesson: Lesson | null; error: string | null }[]> | null = null;
function loadCatalogue() {
  catalogue ??= fetchText('index.json').then(async (json) => {
    const ids = (JSON.parse(json) as { lessons: string[] }).lessons;
    return Promise.all(
      ids.map(async (id) => {
        const text = await fetchText(`${id}.md`);
        try {
          return { id, text, lesson: parseLesson(text, `${id}.md`), error: null };
        } catch (error) {
          return { id, text, lesson: null, error: (error as Error).message };
        }
      }),
    );
  });
  // a failed load is not kept: the next visit asks again
  catalogue.catch(() => {
    catalogue = null;
  });
  return catalogue;
}

function LessonView({ loaded, onBack }: { loaded: Loaded; onBack(): void }) {
  const [runs, setRuns] = useState<FigureRun[]>([]);
  const lesson = loaded.status === 'ready' ? loaded.lesson : null;

  // the test hook's report: the lesson shown, each figure's status, numbers and checks (what the page shows)
  useEffect(() => {
    if (loaded.status === 'loading') return;
    if (loaded.status === 'error') {
      reportLessonView({ id: null, fileName: loaded.fileName, error: loaded.message, figures: [] });
      return;
    }
    const { lesson: shown } = loaded;
    reportLessonView({
      id: shown.id,
      fileName: loaded.fileName,
      error: null,
      title: shown.title,
      claim: shown.claim,
      source: shown.source,
      figures: shown.figures.map((figure, i) => {
        const run = runs[i] ?? { status: 'waiting' };
        const { axis, labels, metrics } = figureShape(figure);
        const points = run.status === 'done' ? run.result.points : run.status === 'running' ? run.points : [];
        return {
          status: run.status,
          axis: axis.values,
          labels,
          metrics,
          values: metrics.map((metric) => ({ metric, series: labels.map((_, s) => axis.values.map((x) => points.find((p) => p.series === s && p.x === x)?.values[metric] ?? null)) })),
          shown: metrics.map((metric) => labels.map((_, s) => axis.values.map((x) => formatValue(metric, points.find((p) => p.series === s && p.x === x)?.values[metric])))),
          checks: run.status === 'done' ? run.result.checks : [],
          holds: run.status === 'done' ? run.result.holds : null,
        };
      }),
    });
  });
  useEffect(() => () => reportLessonView(null), []);

  if (loaded.status === 'loading') return <p className="hint">Loading the lesson…</p>;
  if (loaded.status === 'error')
    return (
      <section className="panel lesson-error" aria-labelledby="lesson-error-title">
        <h2 id="lesson-error-title">This lesson cannot be shown</h2>
        <p role="alert" data-testid="lesson-error">
          <code>{loaded.message}</code>
        </p>
        <p className="hint">The lesson format is described in the README, section “Lessons”.</p>
        <button type="button" className="button secondary" onClick={onBack}>
          All lessons
        </button>
      </section>
    );
  const { text, fileName } = loaded;
  return (
    <article className="lesson" aria-labelledby="lesson-title" data-testid="lesson">
      <button type="button" className="button small secondary" onClick={onBack}>
        ← All lessons
      </button>
      <h2 id="lesson-title">{lesson!.title}</h2>
      <p className="lesson-claim" data-testid="lesson-claim">
        <strong>Claim.</strong> {lesson!.claim}
      </p>
      <p className="hint lesson-source">
        <strong>Source:</strong> {lesson!.source}. Same figures on the command line: <code>npx stepscope lesson {fileName}</code>.
      </p>
      {lesson!.blocks.map((block, i) =>
        block.type === 'text' ? (
          <div key={i} className="lesson-text">
            <Markdown>{block.markdown}</Markdown>
          </div>
        ) : (
          <LessonFigure
            key={i}
            text={text}
            fileName={fileName}
            index={block.figure}
            figure={lesson!.figures[block.figure]}
            onRun={(run) =>
              setRuns((all) => {
                const next = [...all];
                next[block.figure] = run;
                return next;
              })
            }
          />
        ),
      )}
    </article>
  );
}

function LessonIndex({ onOpen, onFile }: { onOpen(id: string): void; onFile(file: File): void }) {
  const [entries, setEntries] = useState<Awaited<ReturnType<typeof loadCatalogue>> | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    loadCatalogue().then(setEntries, (error: Error) => setProblem(`The lessons could not be loaded: ${error.message}`));
  }, []);
  return (
    <section className="panel lesson-index" aria-labelledby="lessons-title">
      <h2 id="lessons-title">Lessons</h2>
      <p className="hint">Each lesson states one claim and proves it with the numbers of a live figure (float64, in a worker, so it runs with or without WebGPU).</p>
      {problem && <p role="alert">{problem}</p>}
      <ol className="lesson-list">
        {entries?.map((entry) => (
          <li key={entry.id}>
            <a
              href={lessonsUrl(entry.id, window.location.href)}
              onClick={(event) => {
                event.preventDefault();
                onOpen(entry.id);
              }}
            >
              {entry.lesson?.title ?? entry.id}
            </a>
            <span className="hint"> {entry.lesson?.claim ?? entry.error}</span>
          </li>
        ))}
      </ol>
      <label className="lesson-file">
        Open a lesson file (.md){' '}
        <input
          type="file"
          accept=".md,text/markdown,text/plain"
          data-testid="lesson-file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) onFile(file);
            event.target.value = '';
          }}
        />
      </label>
      <p className="hint">Write your own: a front matter (id, title, claim, source), Markdown text and ```stepscope figures; the README's “Lessons” section describes the format.</p>
    </section>
  );
}

function LessonsLab() {
  const pushNotice = useAppStore((s) => s.pushNotice);
  const [shown, setShown] = useState<{ id: string | null; loaded: Loaded | null }>(() => ({ id: new URLSearchParams(window.location.search).get(LESSON_PARAM), loaded: null }));

  const open = (id: string | null) => {
    window.history.replaceState(null, '', lessonsUrl(id, window.location.href));
    setShown({ id, loaded: id === null ? null : { status: 'loading' } });
  };

  // a bundled lesson by id (from the link or the index); an unknown id falls back to the index with a notice
  useEffect(() => {
    const { id } = shown;
    if (id === null || (shown.loaded && shown.loaded.status !== 'loading')) return;
    let live = true;
    loadCatalogue().then(
      (entries) => {
        if (!live) return;
        const entry = entries.find((e) => e.id === id);
        if (!entry) {
          pushNotice({ level: 'error', key: 'lesson-param', text: `lesson: got '${id}' in the link; allowed: ${entries.map((e) => e.id).join(', ')}` });
          open(null);
          return;
        }
        setShown({ id, loaded: entry.lesson ? { status: 'ready', lesson: entry.lesson, text: entry.text, fileName: `${id}.md` } : { status: 'error', fileName: `${id}.md`, message: entry.error! } });
      },
      (error: Error) => live && setShown({ id, loaded: { status: 'error', fileName: `${id}.md`, message: error.message } }),
    );
    return () => {
      live = false;
    };
  }, [shown]);

  // an instructor's own file: parsed here; a malformed one shows its error in place of the lesson
  const openFile = async (file: File) => {
    let loaded: Loaded;
    if (file.size > MAX_LESSON_BYTES) loaded = { status: 'error', fileName: file.name, message: `${file.name}: ${file.size} bytes; a lesson file may have at most ${MAX_LESSON_BYTES} bytes` };
    else {
      const text = await file.text();
      try {
        loaded = { status: 'ready', lesson: parseLesson(text, file.name), text, fileName: file.name };
      } catch (error) {
        if (!(error instanceof LessonError)) throw error;
        loaded = { status: 'error', fileName: file.name, message: error.message };
      }
    }
    // a file has no link: the address shows the index
    window.history.replaceState(null, '', lessonsUrl(null, window.location.href));
    setShown({ id: null, loaded });
  };

  return (
    <main className="lessons-lab">
      <NoticeBanner />
      {shown.loaded ? <LessonView key={shown.loaded.status === 'ready' ? `${shown.loaded.fileName}:${shown.loaded.lesson.id}` : shown.loaded.status} loaded={shown.loaded} onBack={() => open(null)} /> : <LessonIndex onOpen={open} onFile={(file) => void openFile(file)} />}
    </main>
  );
}

export interface LessonsAppProps {
  store: AppStore;
  onLab(lab: Lab): void;
  onRestartGpu(): void;
  onReady(): void;
}

export function LessonsApp({ store, onLab, onRestartGpu, onReady }: LessonsAppProps) {
  useEffect(() => onReady(), []);
  return (
    <StoreContext.Provider value={store}>
      <div className="app">
        <Header lab="lessons" onLab={onLab} link={() => ({ url: window.location.href })} onRestartGpu={onRestartGpu} />
        <LessonsLab />
      </div>
    </StoreContext.Provider>
  );
}
