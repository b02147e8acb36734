// tfjs-node is optional (npm run build:native installs it): the engine imports it for its side effect, registering
// the 'tensorflow' backend, so the type check needs no copy of it.
declare module '@tensorflow/tfjs-node';
