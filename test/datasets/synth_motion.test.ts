/** SynthMotion: determinism, shapes, and the reversed-pair property that separates TSN from temporal models. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { renderSynthMotion, SYNTH_MOTION_CLASSES, SYNTH_MOTION_REVERSE } from '../../src/datasets/synth_motion.ts';

const sha = (a: Uint8Array) => createHash('sha256').update(a).digest('hex');

test('same label and seed give the same bytes; other seeds differ', () => {
  const a = renderSynthMotion('move_left', { size: 32, frames: 8, seed: 3 });
  assert.equal(a.length, 8 * 32 * 32 * 3);
  assert.equal(sha(a), sha(renderSynthMotion(0, { size: 32, frames: 8, seed: 3 })));
  assert.notEqual(sha(a), sha(renderSynthMotion('move_left', { size: 32, frames: 8, seed: 4 })));
});

test('paired classes are exact time reversals of each other', () => {
  const T = 6, S = 24, F = S * S * 3;
  for (const cls of SYNTH_MOTION_CLASSES) {
    const rev = SYNTH_MOTION_REVERSE[cls];
    if (rev === cls) continue;
    const a = renderSynthMotion(cls, { size: S, frames: T, seed: 11 });
    const b = renderSynthMotion(rev, { size: S, frames: T, seed: 11 });
    for (let f = 0; f < T; f++)
      assert.equal(sha(a.subarray(f * F, (f + 1) * F)), sha(b.subarray((T - 1 - f) * F, (T - f) * F)), `${cls} frame ${f}`);
    assert.notEqual(sha(a), sha(b), `${cls} and ${rev} differ in order`);
  }
});

test('the object actually moves: consecutive frames differ beyond the noise', () => {
  const S = 48, T = 8, F = S * S * 3;
  for (const cls of SYNTH_MOTION_CLASSES) {
    const v = renderSynthMotion(cls, { size: S, frames: T, seed: 1 });
    let diff = 0;
    for (let i = 0; i < F; i++) diff += Math.abs(v[i] - v[(T - 1) * F + i]) > 60 ? 1 : 0;
    if (cls !== 'approach_and_retreat' && cls !== 'shake') assert.ok(diff > F * 0.01, `${cls}: first and last frames differ in ${diff} values`);
  }
});

test('bad arguments are clear errors', () => {
  assert.throws(() => renderSynthMotion(42), /unknown SynthMotion class 42/);
  assert.throws(() => renderSynthMotion('jump' as never), /unknown SynthMotion class jump/);
  assert.throws(() => renderSynthMotion(0, { size: 3 }), /size must be/);
});
