import { describeParity } from './parity.ts';

describeParity('timesformer_divst_tiny');
