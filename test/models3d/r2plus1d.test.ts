import { describeParity } from './parity.ts';

describeParity('r2plus1d_r34_c8');
