// Prints, as JSON Lines, the 250 CAP-TIC responses that agree with the published article
// (test/fixtures/captic-250.ts), for `npm run responses:import`.
import { captic250AsJsonLines } from '../test/fixtures/captic-250';

process.stdout.write(`${captic250AsJsonLines()}\n`);
