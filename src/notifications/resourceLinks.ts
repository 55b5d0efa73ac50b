import { rebaseGraphLinks } from '../domain/graphLinks.js';

/**
 * Resource data is kept in the change feed with Graph's own links (an artifact is made before any
 * request tells the emulator its address). A rich notification's receiver follows those links
 * (recordingContentUrl, transcriptContentUrl), so they are rebased on this instance's public URL
 * (the configured one, or where it listens) when a notification is built — never Microsoft's host.
 */
export class ResourceLinks {
  private root: string | undefined;

  /** The instance's public base URL, e.g. https://localhost:8443 (no trailing slash). */
  setPublicUrl(url: string): void {
    this.root = `${url.replace(/\/+$/, '')}/v1.0`;
  }

  /** `json` (resource JSON text) with every Graph v1.0 link rebased; as given until the URL is known. */
  rebase(json: string): string {
    return this.root === undefined ? json : rebaseGraphLinks(json, this.root);
  }
}
