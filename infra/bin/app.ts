import { App } from 'aws-cdk-lib';
import { configFromContext, RowhookConfigError } from '../lib/config.ts';
import { createStacks } from '../lib/createStacks.ts';

const app = new App();
try {
  createStacks(app, configFromContext(app.node.getAllContext()));
} catch (error) {
  if (error instanceof RowhookConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
app.synth();
