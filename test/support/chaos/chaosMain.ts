import { runLocal } from '../../../functions/local/runLocal.ts';
import { armKillPoints } from './armKillPoints.ts';

// `npm start` with the chaos tests' kill points (ROWHOOK_CHAOS_KILL_AT) wrapped around the pipeline.
runLocal(armKillPoints(process.env));
