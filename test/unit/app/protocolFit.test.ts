/**
 * The views take plain props; these checks (run by `tsc`, trivially true at run time) pin that the
 * worker's and trainer's types still fit them, so the store can pass what it holds unchanged.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { DataReport, ShotGather } from '../../../src/worker/protocol.ts';
import type { DataFileReport } from '../../../src/app/components/views/DataFileList.tsx';
import type { ShotGatherData } from '../../../src/app/components/views/ShotGather.tsx';

describe('protocol types fit the view props', () => {
  it('assigns without conversion', () => {
    expectTypeOf<DataReport>().toExtend<DataFileReport>();
    expectTypeOf<ShotGather>().toExtend<ShotGatherData>();
  });
});
