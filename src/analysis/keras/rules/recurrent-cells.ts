// Recurrent cells and convolutional recurrences: RNN over a cell, LSTMCell, GRUCell, SimpleRNNCell, StackedRNNCells, ConvLSTM1D/2D/3D.

import type { LayerRule } from '../rule.js';

export const recurrentCellsRules: Record<string, LayerRule> = {};
