/**
 * The main-side implementation of StudioApi, shared by the Electron app and web mode. Transports
 * hand it untrusted (channel, input) pairs; it validates them against the contract and answers with
 * a Reply, never an exception.
 */
import { latestOnly } from './latest-only';
import { confinedPath } from '../project/links';
import { studioRequests, type EventChannel, type EventPayload, type RevealTarget, type StudioRequests, type ViewName } from '../api/contract';
import { parseRequest, toErrorShape, type Reply } from '../api/rpc';
import type { AppInfo } from '../api/schemas';
import { runIdSchema, type ProjectInfo, type ProjectState } from '../api/projects';
import type { RunStatusShape } from '../api/training';
import { StudioError } from '../api/rpc';
import type { EngineHost } from './engine-host';
import { basename, join, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { deleteRun, listCheckpoints, listRuns, openProject, ProjectError, renameRun, sweepDeletedRuns, sweepLeftovers, sweepStaleUploads } from './projects';
import type { StudioContext } from './capability';
import type { HandlersFor } from '../api/rpc';
import { readRunHistory } from '../project/run-history';
import { datasetDirOf, runFiles, runsDirOf } from '../project/layout';
import { DownloadTickets, downloadUrl } from './downloads';
import { runsTable, runTableRow } from './runs-table';
import { writeRunNotes } from '../project/run-notes';
import { exploreStudioHandlers } from './explore';
import { exportStudioHandlers } from './export';
import { EXPORTS_DIR } from '../project/layout';
import { evaluationStudioHandlers } from './evaluation';
import { modelDesignStudioHandlers } from './model-design';
import { trainingStudioHandlers } from './training';
import { datasetStudioHandlers } from './dataset';
import { styleGanExportStudioHandlers } from './stylegan-export';
import { learnStudioHandlers } from './learn';
import { ImportSources } from './import-sources';
import { lockProject, ProjectLockedError, type ProjectLock } from '../project/lock';

type Handlers = HandlersFor<StudioRequests>;
type EventListener = <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;

export interface StudioServiceOptions {
  engine: EngineHost;
  app: AppInfo;
  /** Desktop: a native folder picker. Web mode has none (imports come as uploads). */
  chooseFolder?: () => Promise<string | null>;
  /** Desktop: shows a file or folder in the system's file manager. */
  revealPath?: (path: string) => void;
}


export class StudioService {
  private readonly handlers: Handlers;
  private readonly listeners = new Set<EventListener>();
  private project: ProjectInfo | null = null;
  private lock: ProjectLock | null = null;
  readonly importSources: ImportSources;
  /** Web mode's one-time download links (the web server redeems them). */
  readonly downloads = new DownloadTickets();
  /** The open run's id, state and last checkpoint when the runs list was last sent. */
  private followed = '';

  constructor(private readonly options: StudioServiceOptions) {
    const { engine } = options;
    this.importSources = new ImportSources(options.chooseFolder);
    engine.onStatus((status) => this.emit('engine.status', status));
    // Engine events were validated by EngineHost; the training ones go to the renderer unchanged.
    engine.onEvent((event, payload) => {
      this.emit(event, payload as never);
      if (event === 'train.status') this.followRun(payload as RunStatusShape);
    });
    const context: StudioContext = {
      engine,
      requireProject: () => this.requireProject(),
      runDir: (runId) => this.runDir(runId),
      emit: (event, payload) => this.emit(event, payload),
      projectChanged: () => this.emitProject(),
      ...(options.chooseFolder ? { chooseFolder: options.chooseFolder } : {}),
    };
    this.handlers = {
      ...exploreStudioHandlers(context),
      ...exportStudioHandlers(context),
      ...evaluationStudioHandlers(context),
      ...modelDesignStudioHandlers(context),
      ...trainingStudioHandlers(context),
      ...datasetStudioHandlers(context, this.importSources),
      ...styleGanExportStudioHandlers(context),
      ...learnStudioHandlers(context),
      'app.info': async () => options.app,
      'engine.status': async () => engine.status(),
      'engine.restart': async () => {
        await engine.restart().catch(() => undefined); // The failure is in the returned status.
        return engine.status();
      },
      'project.current': () => this.projectState(),
      'files.download': async ({ target }) => {
        if (options.app.mode !== 'web') {
          throw new StudioError({ code: 'invalid-request', message: 'The desktop app keeps the files on this computer: use Show in folder.' });
        }
        const path = await this.pathOf(target);
        if (!(await stat(path).then(() => true, () => false))) {
          throw new StudioError({ code: 'invalid-request', message: `${path} does not exist (any more).` });
        }
        const name = target.kind === 'project' ? this.requireProject().name : downloadName(target, path);
        return { url: downloadUrl(this.downloads.issue({ path, name }), name), name };
      },
      'project.reveal': async ({ target }) => {
        const path = await this.pathOf(target);
        if (!(await stat(path).then(() => true, () => false))) {
          throw new StudioError({ code: 'invalid-request', message: `${path} does not exist (any more).` });
        }
        options.revealPath?.(path);
        return { path, shown: options.revealPath !== undefined };
      },
      'runs.open': async ({ runId }) => engine.request('train.open', { runDir: this.runFolders(runId) }),
      'runs.checkpoints': ({ runId }) => listCheckpoints(this.runDir(runId)),
      'runs.metrics': async ({ runId }) => {
        const runDir = this.runDir(runId);
        const { config } = await listCheckpoints(runDir);
        return { runId, config, points: (await readRunHistory(runDir, { samples: false })).points };
      },
      'runs.rename': async ({ runId, name }) => {
        await renameRun(this.runDir(runId), name);
        return this.changedProject();
      },
      'runs.delete': async ({ runId }) => {
        const open = engine.status().state === 'ready' ? await engine.request('train.status', {}) : null;
        if (open?.runId === runId && (open.state === 'running' || open.state === 'paused')) {
          throw new StudioError({ code: 'invalid-request', message: `Run ${runId} is ${open.state}: stop it before deleting it.` });
        }
        await deleteRun(this.runDir(runId));
        return this.changedProject();
      },
      'runs.table': async () => ({ rows: await runsTable(this.requireProject().dir) }),
      'runs.annotate': async ({ runId, notes, tags }) => {
        const runDir = this.runDir(runId);
        const run = (await listRuns(this.requireProject().dir)).find((r) => r.runId === runId);
        if (!run) throw new StudioError({ code: 'invalid-request', message: `There is no run ${runId} in this project.` });
        await writeRunNotes(runDir, { notes, tags });
        return runTableRow(runDir, run);
      },
    };
  }

  /** Entry point for every transport. `channel` and `input` are untrusted. */
  async handle(channel: unknown, input: unknown): Promise<Reply<unknown>> {
    try {
      const parsed = parseRequest(studioRequests, channel, input);
      if (!parsed.ok) return { ok: false, error: parsed.error };
      const handler = this.handlers[parsed.channel] as (input: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.input) };
    } catch (err) {
      return { ok: false, error: toErrorShape(err) };
    }
  }

  /** Lets the project go (its lock file is removed), at the end of the process. */
  async closeProject(): Promise<void> {
    const lock = this.lock;
    this.lock = null;
    await lock?.release();
  }

  /**
   * Opens a project folder chosen in a trusted place (dialog, recent list, command line). Refused
   * while a run is training or paused in the engine, so a run never loses its folder.
   */
  async openProject(dir: string, options: { create?: boolean } = {}): Promise<ProjectInfo> {
    const run = this.options.engine.status().state === 'ready' ? await this.options.engine.request('train.status', {}) : null;
    if (run && (run.state === 'running' || run.state === 'paused')) {
      throw new StudioError({ code: 'invalid-request', message: `Run ${run.runId} is ${run.state}: stop it before opening another project.` });
    }
    try {
      const project = await openProject(dir, options);
      // One process per project (the app, a server, the CLI): the second opener is told who has it.
      const same = this.project !== null && resolve(this.project.dir) === resolve(project.dir);
      if (!same) {
        const lock = await lockProject(project.dir, `GAN Studio ${this.options.app.mode === 'web' ? 'web mode' : 'app'} ${this.options.app.version}`);
        await this.lock?.release();
        this.lock = lock;
      }
      this.project = project;
      await sweepStaleUploads(this.project.dir);
      await sweepDeletedRuns(this.project.dir);
      await sweepLeftovers(this.project.dir);
    } catch (err) {
      if (err instanceof ProjectError || err instanceof ProjectLockedError) throw new StudioError({ code: 'invalid-request', message: err.message });
      throw err;
    }
    await this.emitProject();
    return this.project;
  }

  currentProject(): ProjectInfo | null {
    return this.project;
  }

  /** Called by the native menu; the renderer switches views when it receives the event. */
  navigate(view: ViewName): void {
    this.emit('ui.navigate', { view });
  }

  /** Native menu → renderer: the Data view runs the import with the options the user set there. */
  command(command: 'import-folder'): void {
    this.emit('ui.navigate', { view: 'dataset' });
    this.emit('ui.command', { command });
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private requireProject(): ProjectInfo {
    if (!this.project) throw new StudioError({ code: 'invalid-request', message: 'No project is open.' });
    return this.project;
  }

  private runDir(runId: string): string {
    // Ids reach here validated (runIdSchema); checked again because a path is about to be built.
    if (!runIdSchema.safeParse(runId).success) throw new StudioError({ code: 'invalid-request', message: `Not a run id: ${runId}` });
    return confinedPath(this.requireProject().dir, join(this.runsDir(), runId));
  }

  /** A run to train on: its folder, and the files and folders training writes and prunes in it, none a link. */
  private runFolders(runId: string): string {
    const runDir = this.runDir(runId);
    const files = runFiles(runDir);
    for (const path of [files.checkpoints, files.samples, files.metrics, files.config]) confinedPath(this.requireProject().dir, path);
    return runDir;
  }

  private async pathOf(target: RevealTarget): Promise<string> {
    const dir = this.requireProject().dir;
    switch (target.kind) {
      case 'project':
        return dir;
      case 'dataset':
        return confinedPath(dir, datasetDirOf(dir, target.dataset));
      case 'run':
        return this.runDir(target.runId);
      case 'export':
        return confinedPath(dir, join(dir, EXPORTS_DIR, target.name));
      case 'run-config':
        return confinedPath(dir, runFiles(this.runDir(target.runId)).config);
      case 'checkpoint': {
        const runDir = this.runDir(target.runId);
        const newest = (await listCheckpoints(runDir)).checkpoints.reduce<{ file: string; step: number } | null>((a, c) => (a && a.step > c.step ? a : c), null);
        const file = target.file ?? newest?.file;
        if (!file) throw new StudioError({ code: 'invalid-request', message: `Run ${target.runId} has no checkpoint yet.` });
        return confinedPath(dir, join(runFiles(runDir).checkpoints, basename(file)));
      }
    }
  }

  private runsDir(): string {
    return runsDirOf(this.requireProject().dir);
  }

  private async projectState(): Promise<ProjectState> {
    if (!this.project) throw new StudioError({ code: 'invalid-request', message: 'No project is open.' });
    return { project: this.project, runs: await listRuns(this.project.dir) };
  }

  /**
   * Reads the project state and sends it to every window, unless a read that started later was
   * sent already: after a checkpoint and a state change two reads can finish out of order.
   */
  private readonly sendProject = latestOnly(
    () => this.projectState(),
    (state) => this.emit('project.changed', state),
  );

  /** The project state after a change, also sent to every window. */
  private changedProject(): Promise<ProjectState> {
    return this.sendProject();
  }

  /**
   * The runs list reads each run's checkpoints from its folder: send it again whenever the open
   * run saves a checkpoint or changes state, so it never lags behind the status line.
   */
  private followRun(status: RunStatusShape): void {
    const key = `${status.runId} ${status.state} ${status.lastCheckpointStep}`;
    if (key === this.followed) return;
    this.followed = key;
    void this.emitProject().catch(() => undefined); // a project closed meanwhile: nothing to send
  }

  private async emitProject(): Promise<void> {
    if (this.project) await this.sendProject();
  }

  private emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(event, payload);
  }
}

/** A run's file downloads under a name that says which run it came from: <run>-config.json, <run>-ckpt-000000400.gsc. */
function downloadName(target: RevealTarget, path: string): string {
  if (target.kind === 'run-config') return `${target.runId}-config.json`;
  if (target.kind === 'checkpoint') return `${target.runId}-${basename(path)}`;
  return basename(path);
}
