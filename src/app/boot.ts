// Imported first by main.tsx, so it runs before React DOM and the app are evaluated: the screen
// the URL asks for and the ward configuration start loading now, in parallel, rather than in a
// waterfall after the first render.
import { preloadScreen } from './screens.js';
import { preloadWard } from './ward-context.js';

export const screenCode = preloadScreen();
void preloadWard();
