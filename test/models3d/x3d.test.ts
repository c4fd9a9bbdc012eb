import { describeParity } from './parity.ts';

describeParity('x3d_s_d1');
