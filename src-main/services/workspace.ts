/** Where projects live unless the user picks another folder. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultProjectDir(documentsDir: string = join(homedir(), 'Documents')): string {
  return join(documentsDir, 'GAN Studio', 'Default project');
}
