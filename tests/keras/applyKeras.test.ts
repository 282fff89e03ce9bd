// `graft apply` judged by real Keras: for every keras-apps pair, apply writes OUT, Keras loads it into
// the target model (and load_model for .keras / full .h5), and every variable Keras ends up with is
// compared with the SOURCE file read independently by h5py (scripts/py/check_subset.py): `exact`
// bit-identical, `sliced` a consistent subset (strictly rising source indices, T == S[ix_(...)]) whose
// channel choice agrees across the layers the target config ties together, `new` the target's own value.
// Damaged copies of two outputs (value, order, coupling, one bit) must be flagged, so the checks can fail.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main';
import { repoRoot, sharedAvailable, sharedFixture } from '../support/fixtures';
import { h5Datasets, h5Group, h5Object, h5pyAvailable, inspectWithH5py, type H5Dump } from '../support/h5py';
import { ensureKeras, kerasBatch, type KerasJob, type KerasResult } from '../support/keras';
import { axisPorts, channelSpaces, type ChannelSpaces, type Port } from './channelSpaces';

const SYSTEM_PYTHON = '/usr/bin/python3';
const CHECK_SCRIPT = path.join(repoRoot, 'scripts/py/check_subset.py');

const keras = ensureKeras();
const skipReason = !sharedAvailable()
  ? 'no ../shared/fixtures'
  : !h5pyAvailable()
    ? `${SYSTEM_PYTHON} has no h5py`
    : !keras.ok
      ? keras.reason
      : null;
if (skipReason) console.warn(`skipping graft apply -> real Keras checks: ${skipReason}`);

const fixture = (file: string) => sharedFixture('keras-apps', file);

interface Pair {
  name: string;
  source: string;
  sourceArch?: string;
  target: string;
  targetArch?: string;
  truth: string;
  /** OUT's file name: the layout follows the target's. */
  out: string;
  /** OUT carries its architecture, so `load_model(OUT)` must work too. */
  full: boolean;
  /** Target layers to disconnect in a mapping (map -o, edit, apply --mapping) instead of plain apply. */
  unlink?: string[];
}

const VGG = { source: 'vggmini_source.h5' };
const RES = { source: 'resmini_source.h5', sourceArch: 'resmini_source.json' };
const MNV2 = { source: 'mnv2_1.0_source.h5', sourceArch: 'mnv2_1.0.json' };

const PAIRS: Pair[] = [
  {
    name: 'vggmini -> .h5',
    ...VGG,
    target: 'vggmini_noblock4_target.h5',
    truth: 'vggmini_noblock4_target.h5.truth.json',
    out: 'vggmini.h5',
    full: true,
  },
  {
    name: 'vggmini -> .h5 with fc1 unlinked in the mapping',
    ...VGG,
    target: 'vggmini_noblock4_target.h5',
    truth: 'vggmini_noblock4_target.h5.truth.json',
    out: 'vggmini_unlinked_fc1.h5',
    full: true,
    unlink: ['fc1'],
  },
  {
    name: 'vggmini -> autonames .keras',
    ...VGG,
    target: 'vggmini_noblock4_autonames_target.keras',
    truth: 'vggmini_noblock4_autonames_target.keras.truth.json',
    out: 'vggmini.keras',
    full: true,
  },
  {
    name: 'resmini -> .h5',
    ...RES,
    target: 'resmini_conv4x2_target.h5',
    truth: 'resmini_conv4x2_target.h5.truth.json',
    out: 'resmini.h5',
    full: true,
  },
  {
    name: 'resmini -> .weights.h5 (+ json)',
    ...RES,
    target: 'resmini_conv4x2_target.weights.h5',
    targetArch: 'resmini_conv4x2_target.json',
    truth: 'resmini_conv4x2_target.weights.h5.truth.json',
    out: 'resmini.weights.h5',
    full: false,
  },
  {
    name: 'mnv2 -> .h5',
    ...MNV2,
    target: 'mnv2_0.5_target.h5',
    truth: 'mnv2_0.5_target.h5.truth.json',
    out: 'mnv2.h5',
    full: true,
  },
  {
    name: 'mnv2 -> .keras',
    ...MNV2,
    target: 'mnv2_0.5_target.keras',
    truth: 'mnv2_0.5_target.keras.truth.json',
    out: 'mnv2.keras',
    full: true,
  },
];

type Relation = 'exact' | 'sliced' | 'new';

interface TruthFile {
  pairs: { target_layer: string; source_layer: string | null; relation: Relation; note?: string }[];
}

interface Applied {
  code: number;
  stdout: string;
  stderr: string;
  out: string;
}

async function runCli(argv: string[]): Promise<Omit<Applied, 'out'>> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await main(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function archArgs(pair: Pair): string[] {
  return [
    ...(pair.sourceArch ? ['--source-arch', fixture(pair.sourceArch)] : []),
    ...(pair.targetArch ? ['--target-arch', fixture(pair.targetArch)] : []),
  ];
}

/** apply, or for `unlink`: map -o M.json, take the links out and list them as unlinked, apply --mapping. */
async function applyPair(pair: Pair, dir: string): Promise<Applied> {
  const out = path.join(dir, pair.out);
  const inputs = [fixture(pair.source), fixture(pair.target), ...archArgs(pair)];
  const mappingArgs: string[] = [];
  if (pair.unlink) {
    const mappingFile = path.join(dir, `${pair.out}.mapping.json`);
    const mapped = await runCli(['map', ...inputs, '-o', mappingFile]);
    if (mapped.code !== 0) return { ...mapped, out };
    const mapping = JSON.parse(readFileSync(mappingFile, 'utf8')) as {
      links: { target: string }[];
      unlinked: string[];
    };
    mapping.links = mapping.links.filter((link) => !pair.unlink!.includes(link.target));
    mapping.unlinked.push(...pair.unlink);
    writeFileSync(mappingFile, JSON.stringify(mapping));
    mappingArgs.push('--mapping', mappingFile);
  }
  return { ...(await runCli(['apply', ...inputs, ...mappingArgs, '-o', out])), out };
}

// --- where each weight lives, read with h5py ---

function attrStrings(dump: H5Dump, groupPath: string, attr: string): string[] | undefined {
  const value = h5Object(dump, groupPath)?.attrs[attr]?.value;
  return Array.isArray(value) ? value.map(String) : undefined;
}

/**
 * Dataset paths of a layer's weights in legacy order (trainable, then non-trainable): a legacy
 * file's `weight_names`, or a Keras 3 file's `vars/<i>` (its group named by the `name` attribute).
 */
function layerDatasets(dump: H5Dump, layer: string): string[] {
  for (const root of ['', '/model_weights']) {
    const names = attrStrings(dump, `${root}/${layer}`, 'weight_names');
    if (names) return names.map((name) => `${root}/${layer}/${name}`);
  }
  const vars =
    dump.objects.find((o) => o.kind === 'group' && o.path.endsWith('/vars') && o.attrs.name?.value === layer)
      ?.path ?? h5Group(dump, `/layers/${layer}/vars`).path;
  return h5Datasets(dump)
    .filter((d) => path.posix.dirname(d.path) === vars)
    .map((d) => d.path)
    .sort((a, b) => Number(path.posix.basename(a)) - Number(path.posix.basename(b)));
}

/** The architecture a target's Keras config lives in: model_config, config.json, or the JSON beside it. */
function modelConfig(file: string, dump: H5Dump | null): unknown {
  if (file.endsWith('.json')) return JSON.parse(readFileSync(file, 'utf8'));
  if (dump?.zip) return dump.zip.config;
  const text = dump && h5Object(dump, '/')?.attrs.model_config?.value;
  if (typeof text !== 'string') throw new Error(`${file} has no model_config`);
  return JSON.parse(text);
}

// --- the Keras dump and what check_subset.py is asked ---

interface DumpedVariable {
  /** Dataset in the dump: `/<layer path>/<index in layer.weights>`. */
  dataset: string;
  layer: string;
  /** Position in trainable + non-trainable: the order of legacy weight_names and Keras 3 vars. */
  legacyIndex: number;
  /** Short name: kernel, bias, gamma, ... */
  weight: string;
}

function dumpedVariables(dumpFile: string): DumpedVariable[] {
  return h5Datasets(inspectWithH5py(dumpFile)).map((d) => ({
    dataset: d.path,
    layer: path.posix.dirname(d.path).slice(1),
    legacyIndex: d.attrs.legacy_index.value as number,
    weight: path.posix.basename(String(d.attrs.path.value)).replace(/:\d+$/, ''),
  }));
}

interface CheckVariable {
  dump: string;
  relation: Relation;
  source: string | null;
  initial: string | null;
}

interface CheckResult {
  dump: string;
  relation: Relation;
  ok: boolean;
  problem: string | null;
  shape?: number[];
  source_shape?: number[] | null;
  indices: number[][] | null;
}

interface Check {
  name: string;
  dump: string;
  source: string;
  target: string;
  variables: CheckVariable[];
}

/** One check_subset.py process for every dump (its numpy work is the slow part, not the start-up). */
function runChecker(checks: Check[]): Map<string, CheckResult[]> {
  const run = spawnSync(SYSTEM_PYTHON, [CHECK_SCRIPT, '-'], {
    input: JSON.stringify({ checks }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`check_subset.py exited ${run.status}: ${run.stderr}`);
  const parsed = JSON.parse(run.stdout) as { checks: { name: string; results: CheckResult[] }[] };
  return new Map(parsed.checks.map((c) => [c.name, c.results]));
}

/** Variables Keras dumped, each paired with its source dataset via the truth file's layer pairs. */
function checkFor(
  dumpFile: string,
  pair: Pair,
  truth: TruthFile,
  source: H5Dump,
  target: H5Dump,
): { check: Check; unexplained: string[] } {
  const byTarget = new Map(truth.pairs.map((p) => [p.target_layer, p]));
  const variables: CheckVariable[] = [];
  const unexplained: string[] = [];
  for (const v of dumpedVariables(dumpFile)) {
    const link = byTarget.get(v.layer);
    if (!link) {
      unexplained.push(v.dataset);
      continue;
    }
    variables.push({
      dump: v.dataset,
      relation: link.relation,
      source: link.source_layer === null ? null : layerDatasets(source, link.source_layer)[v.legacyIndex],
      initial: link.relation === 'new' ? layerDatasets(target, v.layer)[v.legacyIndex] : null,
    });
  }
  return {
    check: {
      name: dumpFile,
      dump: dumpFile,
      source: fixture(pair.source),
      target: fixture(pair.target),
      variables,
    },
    unexplained,
  };
}

// --- coupling: one channel choice per channel space the target and the source both tie ---

interface CouplingGroup {
  members: { label: string; indices: number[] }[];
  agree: boolean;
}

/**
 * Groups every channel axis of the checked variables by (target space, source space): axes that the
 * target config ties (conv -> BN -> next conv, Add) AND whose source layers the source config ties
 * the same way must have taken the same source channels.
 */
function couplingGroups(
  results: CheckResult[],
  variables: DumpedVariable[],
  truth: TruthFile,
  targetSpaces: ChannelSpaces,
  sourceSpaces: ChannelSpaces,
): CouplingGroup[] {
  const sourceOf = new Map(truth.pairs.map((p) => [p.target_layer, p.source_layer]));
  const byDataset = new Map(variables.map((v) => [v.dataset, v]));
  const groups = new Map<string, CouplingGroup['members']>();
  for (const result of results) {
    const v = byDataset.get(result.dump)!;
    const sourceLayer = sourceOf.get(v.layer);
    if (!result.ok || !result.indices || !sourceLayer) continue;
    const className = targetSpaces.classOf.get(v.layer) ?? '';
    axisPorts(className, v.weight, result.indices.length).forEach((port: Port | null, axis) => {
      if (!port) return;
      const t = targetSpaces.space(v.layer, port);
      const s = sourceSpaces.space(sourceLayer, port);
      if (!t || !s) return;
      const key = `${t}|${s}`;
      const members = groups.get(key) ?? [];
      members.push({ label: `${v.layer}/${v.weight} axis ${axis}`, indices: result.indices![axis] });
      groups.set(key, members);
    });
  }
  return [...groups.values()]
    .filter((members) => members.length > 1)
    .map((members) => ({
      members,
      agree: members.every((m) => JSON.stringify(m.indices) === JSON.stringify(members[0].indices)),
    }));
}

function describeDisagreement(group: CouplingGroup): string {
  const sets = new Map<string, string[]>();
  for (const m of group.members) {
    const key = JSON.stringify(m.indices);
    sets.set(key, [...(sets.get(key) ?? []), m.label]);
  }
  return [...sets.entries()].map(([set, labels]) => `${labels.join(', ')}: ${set}`).join('  VS  ');
}

// --- negative controls: copies of two outputs, damaged with h5py, must be flagged ---

const WEIGHT_BY_INDEX = String.raw`
import sys, h5py, numpy as np
def weight(group, i):
    name = group.attrs["weight_names"][i]
    return group[name.decode() if isinstance(name, bytes) else name]
`;

interface Damage {
  /** The output (a legacy full .h5) a damaged copy is made of. */
  out: string;
  /** Python run as `-c SCRIPT COPY SOURCE`. */
  script: string;
}

const DAMAGES: Damage[] = [
  {
    out: 'mnv2.h5',
    script: String.raw`${WEIGHT_BY_INDEX}
with h5py.File(sys.argv[1], "r+") as f, h5py.File(sys.argv[2], "r") as s:
    w = f["model_weights"]
    # 1. one value's sign flipped: that slice is in no source slice any more
    k = weight(w["block_3_depthwise"], 0); v = k[()]; v.flat[7] = -v.flat[7]; k[...] = v
    # 2. two output channels swapped: each is still a source channel, but not in rising order
    g = weight(w["block_5_project"], 0); v = g[()]; v[..., [0, 1]] = v[..., [1, 0]]; g[...] = v
    # 3. another consistent channel subset for Conv1 alone: fine on its own, not with bn_Conv1
    c = weight(w["Conv1"], 0); full = weight(s["Conv1"], 0)[()]; n = c.shape[3]
    for start in (0, full.shape[3] - n):
        if full[..., start:start + n].tobytes() != c[()].tobytes():
            c[...] = full[..., start:start + n]
            break
`,
  },
  {
    out: 'vggmini.h5',
    script: String.raw`${WEIGHT_BY_INDEX}
with h5py.File(sys.argv[1], "r+") as f:
    # the lowest mantissa bit of one value, in a new (fc1) and an exact (fc2) kernel
    for layer in ("fc1", "fc2"):
        k = weight(f["model_weights"][layer], 0); v = k[()]; v.view(np.uint32).flat[3] ^= 1; k[...] = v
`,
  },
];

// --- the run: apply every pair, one Keras batch, one checker run ---

interface Load {
  how: string;
  dump: string;
  result?: KerasResult;
}

interface PairRun {
  pair: Pair;
  applied: Applied;
  truth: TruthFile;
  /** load_weights into the target's model, then load_model(OUT) for a file with its architecture. */
  loads: Load[];
}

interface DamagedRun {
  damage: Damage;
  run: PairRun;
  /** 'ok', or why the copy could not be damaged. */
  damaged: string;
  load: Load;
}

describe.skipIf(skipReason !== null)(
  `graft apply outputs in real Keras hold the right values${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let dir = '';
    const runs: PairRun[] = [];
    const controls: DamagedRun[] = [];
    const dumps = new Map<string, H5Dump>();
    let checked = new Map<string, CheckResult[]>();
    const unexplainedByDump = new Map<string, string[]>();

    const h5 = (file: string) => {
      if (!dumps.has(file)) dumps.set(file, inspectWithH5py(file));
      return dumps.get(file)!;
    };
    const runOf = (out: string) => runs.find((r) => r.pair.out === out)!;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'graft-apply-keras-'));
      for (const pair of PAIRS) {
        const truth = JSON.parse(readFileSync(fixture(pair.truth), 'utf8')) as TruthFile;
        const applied = await applyPair(pair, dir);
        const stem = path.join(dir, pair.out);
        const loads = [{ how: 'load_weights', dump: `${stem}.load_weights.dump.h5` }];
        if (pair.full) loads.push({ how: 'load_model', dump: `${stem}.load_model.dump.h5` });
        runs.push({ pair, applied, truth, loads: applied.code === 0 ? loads : [] });
      }

      const jobs: KerasJob[] = [];
      const owners: Load[] = [];
      for (const run of runs) {
        const architecture = fixture(run.pair.targetArch ?? run.pair.target);
        for (const load of run.loads) {
          jobs.push(
            load.how === 'load_model'
              ? { loadModel: true, weights: run.applied.out, dump: load.dump }
              : { model: architecture, weights: run.applied.out, dump: load.dump },
          );
          owners.push(load);
        }
      }
      for (const damage of DAMAGES) {
        const run = runOf(damage.out);
        if (run.applied.code !== 0) continue;
        const copy = path.join(dir, `damaged.${damage.out}`);
        copyFileSync(run.applied.out, copy);
        const python = spawnSync(SYSTEM_PYTHON, ['-c', damage.script, copy, fixture(run.pair.source)], {
          encoding: 'utf8',
        });
        const load = { how: 'load_weights', dump: `${copy}.load_weights.dump.h5` };
        controls.push({ damage, run, damaged: python.status === 0 ? 'ok' : python.stderr, load });
        jobs.push({ model: fixture(run.pair.target), weights: copy, dump: load.dump });
        owners.push(load);
      }
      const results = kerasBatch(jobs);
      owners.forEach((owner, k) => (owner.result = results[k]));

      const checks: Check[] = [];
      const loaded = [
        ...runs.flatMap((run) => run.loads.map((load) => ({ run, load }))),
        ...controls.map(({ run, load }) => ({ run, load })),
      ];
      for (const { run, load } of loaded) {
        if (!load.result?.ok) continue;
        const { check, unexplained } = checkFor(
          load.dump,
          run.pair,
          run.truth,
          h5(fixture(run.pair.source)),
          h5(fixture(run.pair.target)),
        );
        checks.push(check);
        unexplainedByDump.set(load.dump, unexplained);
      }
      checked = runChecker(checks);
    });

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Everything wrong with one loaded dump, as lines; empty when it holds the right values. */
    function problemsOf(run: PairRun, load: PairRun['loads'][number]): string[] {
      if (!load.result?.ok) return [`Keras ${load.how}: ${load.result?.stage}: ${load.result?.error}`];
      const results = checked.get(load.dump) ?? [];
      const problems = results.filter((r) => !r.ok).map((r) => `${r.dump} (${r.relation}): ${r.problem}`);
      problems.push(...(unexplainedByDump.get(load.dump) ?? []).map((d) => `${d}: no truth pair`));
      const loadedLayers = new Set(dumpedVariables(load.dump).map((v) => v.layer));
      for (const p of run.truth.pairs)
        if (!loadedLayers.has(p.target_layer))
          problems.push(`${p.target_layer}: not among Keras's variables`);
      return problems;
    }

    function couplingOf(run: PairRun, dumpFile: string): CouplingGroup[] | null {
      if (!run.pair.sourceArch) return null; // no source graph: which source axes are tied is unknown
      const targetFile = fixture(run.pair.targetArch ?? run.pair.target);
      const targetSpaces = channelSpaces(
        modelConfig(targetFile, targetFile.endsWith('.json') ? null : h5(targetFile)),
      );
      const sourceSpaces = channelSpaces(modelConfig(fixture(run.pair.sourceArch), null));
      return couplingGroups(
        checked.get(dumpFile) ?? [],
        dumpedVariables(dumpFile),
        run.truth,
        targetSpaces,
        sourceSpaces,
      );
    }

    it.each(PAIRS.map((p) => [p.name, p] as const))('%s: apply writes OUT', (_, pair) => {
      const run = runs.find((r) => r.pair === pair)!;
      expect(run.applied.code, `apply said:\n${run.applied.stdout}\n${run.applied.stderr}`).toBe(0);
      expect(run.applied.stdout).toMatch(new RegExp(`wrote .*${pair.out.replace(/\./g, '\\.')} \\(`));
    });

    it.each(PAIRS.map((p) => [p.name, p] as const))(
      '%s: Keras loads OUT and every variable matches the source (exact, sliced, new)',
      (_, pair) => {
        const run = runs.find((r) => r.pair === pair)!;
        expect(run.loads.length, 'apply failed, nothing to load').toBe(pair.full ? 2 : 1);
        for (const load of run.loads) {
          expect(problemsOf(run, load), `${pair.name}, Keras ${load.how}`).toEqual([]);
          const results = checked.get(load.dump)!;
          const counts = { exact: 0, sliced: 0, new: 0 };
          for (const r of results) counts[r.relation] += 1;
          // Every truth relation that has weighted layers shows up among the checked variables.
          for (const relation of ['exact', 'sliced', 'new'] as const) {
            const layers = run.truth.pairs.filter((p) => p.relation === relation).length;
            expect(counts[relation] > 0, `${relation}: ${layers} layers in the truth`).toBe(layers > 0);
          }
        }
      },
    );

    it.each(PAIRS.filter((p) => p.sourceArch).map((p) => [p.name, p] as const))(
      '%s: channel choices agree across the layers both configs tie',
      (_, pair) => {
        const run = runs.find((r) => r.pair === pair)!;
        expect(run.loads.length, 'apply failed, nothing to load').toBe(pair.full ? 2 : 1);
        for (const load of run.loads) {
          const groups = couplingOf(run, load.dump)!;
          expect(groups.length).toBeGreaterThan(0);
          expect(groups.filter((g) => !g.agree).map(describeDisagreement), `Keras ${load.how}`).toEqual([]);
        }
      },
    );

    it('the ties come from the configs: conv -> BN, expand -> depthwise -> project, Add-joined projects', () => {
      const run = runOf('mnv2.h5');
      const groups = couplingOf(run, run.loads[0].dump)!;
      const together = (a: string, b: string) =>
        groups.some((g) => g.members.some((m) => m.label === a) && g.members.some((m) => m.label === b));
      expect(together('Conv1/kernel axis 3', 'bn_Conv1/gamma axis 0')).toBe(true);
      expect(together('block_1_expand/kernel axis 3', 'block_1_depthwise/kernel axis 2')).toBe(true);
      expect(together('block_1_depthwise/kernel axis 2', 'block_1_project/kernel axis 2')).toBe(true);
      // block_2 has an Add, so its projection writes into block_1's channels
      expect(together('block_2_project/kernel axis 3', 'block_1_project/kernel axis 3')).toBe(true);
      // block_1 has no Add: its projection is not tied to expanded_conv's
      expect(together('block_1_project/kernel axis 3', 'expanded_conv_project/kernel axis 3')).toBe(false);
    });

    /** `layer/weight: problem` for every variable of a damaged copy the checker flags. */
    function flagged(control: DamagedRun): string[] {
      expect(control.damaged).toBe('ok');
      expect(control.load.result, `Keras load of damaged.${control.damage.out}`).toMatchObject({ ok: true });
      const variables = new Map(dumpedVariables(control.load.dump).map((v) => [v.dataset, v]));
      return checked
        .get(control.load.dump)!
        .filter((r) => !r.ok)
        .map((r) => `${variables.get(r.dump)!.layer}/${variables.get(r.dump)!.weight}: ${r.problem}`);
    }

    it('negative control: damaged mnv2.h5 loads, and exactly its three faults are flagged', () => {
      const control = controls.find((c) => c.damage.out === 'mnv2.h5')!;
      const failing = flagged(control);
      expect(failing).toHaveLength(2);
      expect(failing[0]).toMatch(
        /^block_3_depthwise\/kernel: axis 2: no source slice holds target slice \d+$/,
      );
      expect(failing[1]).toMatch(/^block_5_project\/kernel: axis 3: source indices do not rise strictly/);
      const disagreeing = couplingOf(control.run, control.load.dump)!.filter((g) => !g.agree);
      expect(disagreeing).toHaveLength(1);
      expect(disagreeing[0].members.map((m) => m.label)).toContain('Conv1/kernel axis 3');
      expect(describeDisagreement(disagreeing[0])).toMatch(
        /^Conv1\/kernel axis 3: \[[\d,]+\] {2}VS {2}bn_Conv1/,
      );
    });

    it('negative control: one flipped bit in an exact and in a new kernel of vggmini.h5 is flagged', () => {
      const control = controls.find((c) => c.damage.out === 'vggmini.h5')!;
      expect(flagged(control)).toEqual([
        "fc1/kernel: differs from the target's own value /model_weights/fc1/fc1/kernel",
        'fc2/kernel: 1 of 4096 elements differ from /fc2/fc2/kernel:0',
      ]);
    });
  },
);
