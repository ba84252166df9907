import { describe, expect, it } from 'vitest';
import { parseDatasetManifest } from '../../../src/worker/datasetCopies.ts';

const FILE = 'browser storage: velocitygan-datasets/ab12/manifest.json';

describe('dataset copy manifest', () => {
  it('reads back what was kept: the paths, the lists with their roles, whether the files are there', () => {
    const kept = { files: ['demo/train.txt', 'demo/data1.npy'], lists: [{ path: 'demo/train.txt', role: 'train' }], stored: true };
    expect(parseDatasetManifest(JSON.stringify(kept), FILE)).toEqual(kept);
  });

  it('refuses a manifest that is not one, naming the file and the first thing wrong', () => {
    expect(() => parseDatasetManifest('{"files": [', FILE)).toThrow(/^browser storage: velocitygan-datasets\/ab12\/manifest.json: not valid JSON/);
    expect(() => parseDatasetManifest('{"files": ["a"], "lists": [{"path": "a", "role": "test"}], "stored": true}', FILE)).toThrow(
      `${FILE}: lists holds {"path":"a","role":"test"}, not a path and a role (train, validation, inference, unused)`,
    );
    expect(() => parseDatasetManifest('{"files": ["a"], "lists": [], "stored": "yes"}', FILE)).toThrow(`${FILE}: stored must be true or false`);
    expect(() => parseDatasetManifest('{"files": [1], "lists": [], "stored": true}', FILE)).toThrow(`${FILE}: files must be a list of paths`);
  });
});
