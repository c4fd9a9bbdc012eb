import { describeParity } from './parity.ts';

describeParity('tpn_slowonly_r50_c4');
