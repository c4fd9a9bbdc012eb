import { describeParity } from './parity.ts';

describeParity('csn_ir_r50_c8');
