import { describeParity } from './parity.ts';

describeParity('slowonly_r50_c8');
