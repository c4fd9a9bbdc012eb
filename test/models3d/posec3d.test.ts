import { describeParity } from './parity.ts';

describeParity('posec3d_c8');
