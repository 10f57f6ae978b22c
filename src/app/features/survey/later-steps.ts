// The survey's steps after the first, in one chunk of their own: the first question (the address
// step) shows without them, and SurveyScreen fetches them as soon as it is on screen.
export { ConsentStep } from './ConsentStep.js';
export { DevicesStep } from './DevicesStep.js';
export { MembersStep } from './MembersStep.js';
export { OutcomeStep } from './OutcomeStep.js';
export { ReviewStep } from './ReviewStep.js';
