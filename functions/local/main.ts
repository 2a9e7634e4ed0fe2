import { runLocal } from './runLocal.ts';

// Entry point of `npm start`.
runLocal();
