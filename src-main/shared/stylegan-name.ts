/** The default file name of a StyleGAN2-ADA dataset zip: stylegan-<project>-<yyyymmdd-hhmmss>.zip (UTC). */
export function styleGanZipName(projectName: string, at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `stylegan-${projectName.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'dataset'}-${stamp}.zip`;
}
