/**
 * PaddleScience's VelocityGAN example configuration (a Hydra YAML) in and out. Every key with a
 * studio equivalent is mapped; every other key is listed as ignored and, on export over the same
 * file, kept as it was (comments, Hydra interpolations such as `${hydra:run.dir}` included: they
 * are plain YAML strings to the `yaml` library, never resolved here).
 *
 *   seed                         → seed
 *   DATASET                      → preset (a built-in name or a dataset_config.json entry)
 *   k                            → transform.k
 *   WEIGHT_DICT.lambda_g1v/g2v/adv/gp → lambda.g1v/g2v/adv/gp
 *   MODEL.gen_net.dim1…dim5      → generatorWidths
 *   MODEL.dis_net.dim1…dim4      → criticWidths
 *   TRAIN.epochs, batch_size     → epochs, batchSize
 *   TRAIN.learning_rate          → lrGenerator and lrCritic (one optimiser setting in the example)
 *   TRAIN.weight_decay           → weightDecay
 *   TRAIN.iters_per_epoch_dis    → nCritic (critic steps before each generator step)
 *
 * The example trains with the PaddleScience schedule, so an imported file selects it.
 */
import { Document, isMap, parseDocument, type YAMLMap } from 'yaml';
import { applySchedulePreset, defaultConfig, validateConfig, WIDTH_PRESETS, type TrainConfig, type WidthPresetName } from './config.ts';
import { FwiError } from './errors.ts';

type Path = readonly string[];

/** Where each YAML key goes in the studio's configuration. */
const MAPPED: readonly { yaml: Path; field: string; get: (c: TrainConfig) => number | string; set: (c: TrainConfig, v: unknown) => void }[] = [
  { yaml: ['seed'], field: 'seed', get: (c) => c.seed, set: (c, v) => (c.seed = v as number) },
  { yaml: ['DATASET'], field: 'preset', get: (c) => c.preset, set: (c, v) => (c.preset = v as string) },
  { yaml: ['k'], field: 'transform.k', get: (c) => c.transform.k, set: (c, v) => (c.transform = { ...c.transform, k: v as number }) },
  ...(['g1v', 'g2v', 'adv', 'gp'] as const).map((w) => ({
    yaml: ['WEIGHT_DICT', `lambda_${w}`],
    field: `lambda.${w}`,
    get: (c: TrainConfig) => c.lambda[w],
    set: (c: TrainConfig, v: unknown) => (c.lambda = { ...c.lambda, [w]: v as number }),
  })),
  ...[0, 1, 2, 3, 4].map((i) => ({
    yaml: ['MODEL', 'gen_net', `dim${i + 1}`],
    field: `generatorWidths.${i}`,
    get: (c: TrainConfig) => c.generatorWidths[i],
    set: (c: TrainConfig, v: unknown) => (c.generatorWidths = c.generatorWidths.map((x, j) => (j === i ? (v as number) : x)) as TrainConfig['generatorWidths']),
  })),
  ...[0, 1, 2, 3].map((i) => ({
    yaml: ['MODEL', 'dis_net', `dim${i + 1}`],
    field: `criticWidths.${i}`,
    get: (c: TrainConfig) => c.criticWidths[i],
    set: (c: TrainConfig, v: unknown) => (c.criticWidths = c.criticWidths.map((x, j) => (j === i ? (v as number) : x)) as TrainConfig['criticWidths']),
  })),
  { yaml: ['TRAIN', 'epochs'], field: 'epochs', get: (c) => c.epochs, set: (c, v) => (c.epochs = v as number) },
  { yaml: ['TRAIN', 'batch_size'], field: 'batchSize', get: (c) => c.batchSize, set: (c, v) => (c.batchSize = v as number) },
  { yaml: ['TRAIN', 'learning_rate'], field: 'lrGenerator', get: (c) => c.lrGenerator, set: (c, v) => (c.lrGenerator = c.lrCritic = v as number) },
  { yaml: ['TRAIN', 'weight_decay'], field: 'weightDecay', get: (c) => c.weightDecay, set: (c, v) => (c.weightDecay = v as number) },
  { yaml: ['TRAIN', 'iters_per_epoch_dis'], field: 'nCritic', get: (c) => c.nCritic, set: (c, v) => (c.nCritic = v as number) },
];

/**
 * The example's own layout, used when exporting without an imported file to write over; the
 * mapped values are filled in from the configuration. Keys the studio has no equivalent for keep
 * the example's values.
 */
const TEMPLATE = `hydra:
  run:
    # dynamic output directory according to running time and override name
    dir: outputs_velocitygan/\${now:%Y-%m-%d}/\${now:%H-%M-%S}/\${hydra.job.override_dirname}
  job:
    name: \${mode} # name of logfile
    chdir: false # keep current working directory unchanged
  sweep:
    # output directory for multirun
    dir: \${hydra.run.dir}
    subdir: ./

# general settings
mode: train # running mode: train/eval
seed: 42
output_dir: \${hydra:run.dir}
log_freq: 20
DATASET: "flatvel-a"
DATASET_CONFIG: "./dataset_config.json"
file_size: null
k: 1
ANNO_PATH_TRAIN: "./train.txt"
ANNO_PATH_VAL: "./val.txt"

WEIGHT_DICT:
  lambda_g1v: 100.0
  lambda_g2v: 0.0
  lambda_adv: 1.0
  lambda_gp: 10.0

# model settings
MODEL:
  gen_net:
    input_keys: ["data"]
    output_keys: ["fake_image"]
    dim1: 32
    dim2: 64
    dim3: 128
    dim4: 256
    dim5: 512
    sample_spatial: 1.0
  dis_net:
    input_keys: ["image"]
    output_keys: ["score"]
    dim1: 32
    dim2: 64
    dim3: 128
    dim4: 256

# training settings
TRAIN:
  epochs: 500
  epochs_gen: 1
  epochs_dis: 1
  iters_per_epoch_gen: 1
  iters_per_epoch_dis: 3
  batch_size: 64
  learning_rate: 0.0001
  weight_decay: 0.0001

# evaluation settings
EVAL:
  batch_size: 64
  pretrained_model_path: "generator.pdparams"

# visualisation settings
VIS:
  vis: true
  vb: 2
  vsa: 3
`;

/** What an imported PaddleScience YAML gave: the configuration, and the keys with no studio equivalent. */
export interface PaddleConfigImport {
  config: TrainConfig;
  /** Dotted YAML paths of the scalar values that were not used (hydra.*, mode, ANNO_PATH_*, EVAL.*, VIS.*, …). */
  ignored: string[];
  /** The original text, so an export can write over it and keep what was ignored. */
  source: string;
}

/** True when the text looks like YAML rather than the studio's JSON (the JSON export always starts with "{"). */
export function looksLikeYaml(text: string): boolean {
  return !text.trimStart().startsWith('{');
}

function parse(text: string, file: string): Document {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) throw new FwiError('config', `not valid YAML (${doc.errors[0].message.split('\n')[0]})`, file);
  if (!isMap(doc.contents)) throw new FwiError('config', 'the YAML is not a mapping of settings', file);
  return doc;
}

function leaves(map: YAMLMap, prefix: string[], out: string[][]): void {
  for (const item of map.items) {
    const key = String((item.key as { value?: unknown })?.value ?? item.key);
    const path = [...prefix, key];
    if (isMap(item.value)) leaves(item.value, path, out);
    else out.push(path);
  }
}

/**
 * Reads the example's YAML: mapped keys onto the PaddleScience schedule's defaults, checked as any
 * imported configuration (FwiError('config') naming each bad value by its YAML key and the field).
 */
export function parsePaddleConfig(text: string, file = 'config.yaml'): PaddleConfigImport {
  const doc = parse(text, file);
  const candidate = applySchedulePreset(defaultConfig(), 'paddle');
  const typeErrors: string[] = [];
  const used = new Set<string>();
  for (const m of MAPPED) {
    if (!doc.hasIn(m.yaml)) continue;
    used.add(m.yaml.join('.'));
    const v = doc.getIn(m.yaml);
    const wanted = m.field === 'preset' ? 'string' : 'number';
    if (typeof v !== wanted) {
      typeErrors.push(`${m.yaml.join('.')} (${m.field}) must be a ${wanted}, got ${JSON.stringify(v)}`);
      continue;
    }
    m.set(candidate, v);
  }
  // The width preset these widths are, if any (the form shows it).
  const named = (Object.keys(WIDTH_PRESETS) as Exclude<WidthPresetName, 'custom'>[]).find(
    (n) => WIDTH_PRESETS[n].generator.every((w, i) => w === candidate.generatorWidths[i]) && WIDTH_PRESETS[n].critic.every((w, i) => w === candidate.criticWidths[i]),
  );
  candidate.widthPreset = named ?? 'custom';
  const { config, errors } = validateConfig(candidate);
  const byField = new Map(MAPPED.map((m) => [m.field, m.yaml.join('.')]));
  const bad = [...typeErrors, ...Object.entries(errors).map(([field, msg]) => `${byField.get(field) ?? field} (${field}) ${msg}`)];
  if (bad.length) throw new FwiError('config', bad.join('; '), file);
  const all: string[][] = [];
  leaves(doc.contents as YAMLMap, [], all);
  const ignored = all.map((p) => p.join('.')).filter((p) => !used.has(p));
  return { config, ignored, source: text };
}

/**
 * The configuration as the example's YAML: written over `base` (an imported file, to keep what the
 * studio ignored) or over the example's own layout. The example always runs the PaddleScience
 * schedule; TRAIN.learning_rate is the generator's rate (the example has one for both).
 */
export function encodePaddleConfig(config: TrainConfig, base?: string): string {
  const doc = parse(base ?? TEMPLATE, 'template');
  for (const m of MAPPED) doc.setIn(m.yaml, m.get(config));
  return doc.toString({ lineWidth: 0 });
}
