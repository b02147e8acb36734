// What a user does in the VS Code workbench, for playwright: open a file, hover
// a word, run a command, pick an item, read the activation panel.

import type { Frame, Locator, Page } from 'playwright-core';

/** The editor of the active group (not the hover's or the panel's). */
const editor = '.editor-group-container.active .monaco-editor';

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly screenshots: string,
  ) {}

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `${this.screenshots}/${name}.png` });
  }

  async openFile(name: string): Promise<void> {
    await this.quickOpen(name);
    await this.page.locator(`${editor} .view-lines`).first().waitFor();
  }

  /** Opens a notebook by its name, and waits for its code cells. */
  async openNotebook(name: string): Promise<void> {
    await this.quickOpen(name);
    await this.page.locator('.notebookOverlay .code-cell-row .view-lines').first().waitFor();
  }

  private async quickOpen(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    await this.page.locator('.quick-input-widget input').fill(name);
    // The list updates as the name is typed: Enter only once the name's row is the focused one.
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tab.active', { hasText: name }).waitFor();
  }

  /** Runs a command by its title from the command palette. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** The text of the 1-based line of the active editor, inlay hints included (the editor renders spaces as no-break spaces). */
  async lineText(line: number): Promise<string> {
    await this.goToLine(line);
    const text = await this.page
      .locator(`${editor} .view-line`)
      .nth(await this.viewLineIndex(line))
      .innerText();
    return text.replace(/\u00a0/g, ' ');
  }

  /** The line of the active editor that contains `text` (the editor renders spaces as no-break spaces). */
  lineWith(text: string): Locator {
    return this.page.locator(`${editor} .view-line`, { hasText: text.replace(/ /g, '\u00a0') }).first();
  }

  async lineWithText(text: string): Promise<string> {
    const line = this.lineWith(text);
    await line.waitFor();
    return (await line.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Hovers `word` on the line of the active editor that contains `text`. */
  async hoverOnLineWith(text: string, word: string, ready: (text: string) => boolean = () => true): Promise<string> {
    const line = this.lineWith(text);
    await line.waitFor();
    return this.hoverWord(line, word, `the line with "${text}"`, ready);
  }

  /** Hovers the first occurrence of `word` on the 1-based line and returns the hover's text once it satisfies `ready`. */
  async hover(line: number, word: string, ready: (text: string) => boolean = () => true): Promise<string> {
    await this.goToLine(line);
    const index = await this.viewLineIndex(line);
    return this.hoverWord(this.page.locator(`${editor} .view-line`).nth(index), word, `line ${line}`, ready);
  }

  /**
   * The line of a notebook's code cells that contains `text`, inlay hints included, scrolled into view: the notebook
   * draws only the cells on screen (in an overlay of the workbench, outside the editor group).
   */
  async cellLine(text: string): Promise<Locator> {
    const line = this.page.locator('.notebookOverlay .code-cell-row .view-line', { hasText: text.replace(/ /g, '\u00a0') }).first();
    const list = this.page.locator('.notebookOverlay .cell-list-container').first();
    const onScreen = async (): Promise<boolean> => {
      const [at, within] = await Promise.all([line.boundingBox({ timeout: 500 }).catch(() => null), list.boundingBox()]);
      return at !== null && within !== null && at.y >= within.y && at.y + at.height <= within.y + within.height;
    };
    for (let step = 0; step < 40 && !(await onScreen()); step++) {
      const box = (await list.boundingBox())!;
      await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      // Down first, then back up past the top.
      await this.page.mouse.wheel(0, step < 20 ? 120 : -120);
      await this.page.waitForTimeout(200);
    }
    await line.waitFor();
    return line;
  }

  async cellLineText(text: string): Promise<string> {
    return (await (await this.cellLine(text)).innerText()).replace(/\u00a0/g, ' ');
  }

  /** Hovers `word` on the line of a notebook's code cells that contains `text`. */
  async hoverInCell(text: string, word: string, ready: (text: string) => boolean = () => true): Promise<string> {
    return this.hoverWord(await this.cellLine(text), word, `the cell line with "${text}"`, ready);
  }

  /** Puts the cursor in `word` on the line of a notebook's code cells that contains `text`, by a click. */
  async clickInCell(text: string, word: string): Promise<void> {
    const line = await this.cellLine(text);
    // Away first, so that no hover lies over the word.
    await this.page.mouse.move(5, 5);
    await this.page.waitForTimeout(500);
    const point = await wordPoint(line, word);
    if (!point) throw new Error(`"${word}" is not on the cell line with "${text}"`);
    await this.page.mouse.click(point.x, point.y);
    await this.page.locator('.notebookOverlay .monaco-editor.focused').waitFor();
  }

  private async hoverWord(line: Locator, word: string, where: string, ready: (text: string) => boolean): Promise<string> {
    const deadline = Date.now() + 30_000;
    let text = '';
    while (Date.now() < deadline) {
      // Away and back: a fresh hover each round, as a user would move the mouse.
      await this.page.mouse.move(5, 5);
      await this.page.keyboard.press('Escape');
      // Where the word is now: a code lens that shows up above its line moves it down.
      const point = await wordPoint(line, word);
      if (!point) throw new Error(`"${word}" is not on ${where}`);
      await this.page.mouse.move(point.x, point.y);
      const hover = this.page.locator('.monaco-hover-content:visible').first();
      try {
        await hover.waitFor({ timeout: 5_000 });
        await this.page.waitForTimeout(300);
        text = await hover.innerText();
        if (ready(text)) return text;
      } catch {
        // No hover yet.
      }
      await this.page.waitForTimeout(500);
    }
    throw new Error(`the hover over "${word}" on ${where} never got ready; last text:\n${text}`);
  }

  /** The rows of the quick pick whose input shows this placeholder: label and description of each. */
  async quickPickRows(placeholder: string): Promise<{ label: string; description: string }[]> {
    await this.page.locator(`.quick-input-widget input[placeholder="${placeholder}"]`).waitFor();
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    return rows.evaluateAll((elements) =>
      elements.map((row) => ({
        label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
        description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
      })),
    );
  }

  async statusBarItem(text: string): Promise<string> {
    const item = this.page.locator('.statusbar-item', { hasText: text }).first();
    await item.waitFor();
    return item.innerText();
  }

  /** The frame of the activation panel, once its page shows a tensor. */
  async panel(): Promise<Frame> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (
          (await frame
            .locator('#tl-name')
            .count()
            .catch(() => 0)) > 0
        )
          return frame;
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error('the activation panel never showed a tensor');
  }

  private async goToLine(line: number): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    for (let attempt = 0; ; attempt++) {
      await this.page.keyboard.press('Escape');
      // Focus the editor through its tab: keys typed while the panel's webview has focus do not reach the workbench.
      await this.page.locator('.editor-group-container.active .tab.active').click();
      // The quick input closes when focus moves: wait until the editor has it.
      await this.page
        .locator(`${editor}.focused`)
        .waitFor({ timeout: 3_000 })
        .catch(() => undefined);
      await this.page.keyboard.press('Control+G');
      try {
        await input.waitFor({ state: 'visible', timeout: 3_000 });
        break;
      } catch (error) {
        if (attempt === 2) throw error;
      }
    }
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await this.page.waitForTimeout(200);
  }

  /** The index among `.view-line` elements of the 1-based line: the one at the same height as its line number. */
  private async viewLineIndex(line: number): Promise<number> {
    const number = this.page.locator(`${editor} .line-numbers`, { hasText: new RegExp(`^\\s*${line}\\s*$`) }).first();
    await number.waitFor();
    const top = (await number.boundingBox())!.y;
    const lines = this.page.locator(`${editor} .view-line`);
    const count = await lines.count();
    for (let i = 0; i < count; i++) {
      const box = await lines.nth(i).boundingBox();
      if (box && Math.abs(box.y - top) < 3) return i;
    }
    throw new Error(`line ${line} is not on screen`);
  }
}

/** The middle of the first occurrence of `word` in a line of an editor, on the page. */
function wordPoint(line: Locator, word: string): Promise<{ x: number; y: number } | undefined> {
  return line.evaluate((element, w) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = (node.textContent ?? '').search(new RegExp(`\\b${w}\\b`));
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + w.length);
      const rect = range.getBoundingClientRect();
      return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    }
    return undefined;
  }, word);
}
