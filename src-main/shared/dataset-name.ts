/**
 * The name a dataset imported from a folder gets when the user gives none: the folder's own name,
 * unless that says nothing about the images (a size such as "64", "img", "train"), where the parent
 * folder's name comes first ("google 64" for …/img/google/64).
 */
import { basename, dirname } from 'node:path';

const GENERIC = /^(\d+(x\d+)?(px)?|images?|imgs?|pics?|pictures?|photos?|png|jpe?g|data|dataset|train|training|test|val|valid|all)$/i;

export function folderDatasetName(dir: string): string {
  const name = basename(dir);
  if (!GENERIC.test(name)) return name;
  const parent = basename(dirname(dir));
  return parent && parent !== name && !/^[/\\.]*$/.test(parent) ? `${parent} ${name}` : name;
}
