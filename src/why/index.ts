// `why`: plain-words explanations of storage state, following pod → claim → class → volume → node.
export { explainObject, explainPod, explainClaim, explainVolume } from './explain.js';
