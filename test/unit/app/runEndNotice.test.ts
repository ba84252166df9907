import { describe, expect, it } from 'vitest';
import { noticeTitle, runEndNotice } from '../../../src/app/runEndNotice.ts';

describe('runEndNotice', () => {
  it('tells of a run that finished or failed, with the failure in its words', () => {
    expect(runEndNotice('running', 'finished', null)).toEqual({ title: '✓ Run finished', body: 'Training finished: the curves, maps and weights are ready.' });
    expect(runEndNotice('running', 'failed', 'training stopped: the critic loss is NaN')).toEqual({ title: '⚠ Run failed', body: 'training stopped: the critic loss is NaN' });
    expect(runEndNotice('paused', 'failed', null)).toEqual({ title: '⚠ Run failed', body: 'Training failed.' });
  });
  it('says nothing for a start, a pause, a stop, or no change', () => {
    expect(runEndNotice('idle', 'running', null)).toBeNull();
    expect(runEndNotice('running', 'paused', null)).toBeNull();
    expect(runEndNotice('running', 'stopped', null)).toBeNull();
    expect(runEndNotice('finished', 'finished', null)).toBeNull();
  });
  it('puts the notice before the page title', () => {
    expect(noticeTitle({ title: '✓ Run finished', body: '' }, 'VelocityGAN Studio')).toBe('✓ Run finished · VelocityGAN Studio');
  });
});
