import { describeParity } from './parity.ts';

describeParity('slowfast_r50_c16');
