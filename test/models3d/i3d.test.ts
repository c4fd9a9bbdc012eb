import { describeParity } from './parity.ts';

describeParity('i3d_r50_c8');
