/**
 * The implementations the suite compares, where each one's module is, and how far its sizes are
 * scaled down (the slow ones: a full run of every cell has to fit in a few minutes; ns and bytes are
 * per step, so a smaller run measures the same thing, with the warm-up runs hiding the shorter JIT
 * ramp). Not S6: its cost per sleep grows with the number of tasks alive (a bigger heap to collect;
 * measured: tsyncio uncompiled 4.1 µs per sleep with 6,250 tasks, 5.9 µs with 10⁵), so every line
 * but effection runs it at full size.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioId } from './spec.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export type ImplementationId = 'compiled' | 'uncompiled' | 'es5' | 'regenerator' | 'async' | 'effection' | 'co' | 'plain' | 'compiled-debug';

export interface Implementation {
  id: ImplementationId;
  label: string;
  /** The built module exporting `workload` (dist/bench/suite/...). */
  module: string;
  /** Scenario -> divisor of its main size (1 when absent). */
  divisors: Partial<Record<ScenarioId, number>>;
  /** Only these scenarios (all when absent). */
  scenarios?: readonly ScenarioId[];
  /** Loop debug mode on (S1 only). */
  debug?: boolean;
}

export const IMPLEMENTATIONS: readonly Implementation[] = [
  { id: 'compiled', label: 'tsyncio compiled', module: join(HERE, 'workload.compiled.js'), divisors: {} },
  { id: 'uncompiled', label: 'tsyncio uncompiled (native generators)', module: join(HERE, 'workload.js'), divisors: { 'S2-100': 5, S4: 2 } },
  {
    id: 'es5',
    label: 'tsc --target ES5 (__generator) on tsyncio',
    module: join(HERE, 'workload.es5.js'),
    divisors: { S1: 5, 'S2-10': 5, 'S2-100': 50, S3: 2, S4: 4, S5: 5 },
  },
  {
    id: 'regenerator',
    label: 'regenerator (Babel) on tsyncio',
    module: join(HERE, 'workload.regenerator.js'),
    divisors: { S1: 5, 'S2-10': 5, 'S2-100': 50, S3: 2, S4: 4, S5: 5 },
  },
  { id: 'async', label: 'async/await', module: join(HERE, 'impl-async.js'), divisors: { S1: 2 } },
  {
    id: 'effection',
    label: 'effection 4.1.1',
    module: join(HERE, 'impl-effection.js'),
    divisors: { S1: 50, 'S2-10': 10, 'S2-100': 50, S3: 100, S4: 20, S5: 10, S6: 10 },
  },
  { id: 'co', label: 'co 4.6.0', module: join(HERE, 'impl-co.js'), divisors: { S1: 10, 'S2-10': 5, 'S2-100': 5, S3: 5, S4: 10, S5: 5 } },
  { id: 'plain', label: 'plain JavaScript (floor)', module: join(HERE, 'impl-plain.js'), divisors: {} },
  {
    id: 'compiled-debug',
    label: 'tsyncio compiled, loop debug mode on',
    module: join(HERE, 'workload.compiled.js'),
    divisors: { S1: 10 },
    scenarios: ['S1'],
    debug: true,
  },
];
